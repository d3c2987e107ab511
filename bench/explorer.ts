import { createEcsApi, chunk, type EcsApi } from '../src/core/aws/ecs';
import { resolveConnection } from '../src/core/aws/connection';
import { belongsToService, loadServices, PagedTaskList, SelectedTaskList, TaskPager } from '../src/core/ecs/taskPager';
import { ServiceList } from '../src/core/ecs/serviceList';
import { silentLogger } from '../src/core/log';
import { startFakeAwsThread } from '../test/support/fakeAws/worker';
import { withAwsProfileFiles } from '../test/support/awsProfiles';

export interface BenchRow {
  scenario: string;
  way: string;
  ms: number;
  calls: number;
  note?: string;
}

const LATENCY_MS = 50;
const TASKS = 1000;

/** Our way: one ListTasks + one DescribeTasks for the first 100, then Load more with the next list prefetched. */
async function oursAllTasks(ecs: EcsApi, cluster: string): Promise<{ first: number; count: number }> {
  const started = performance.now();
  const pager = new TaskPager(ecs, cluster, { serviceName: 'worker', desiredStatus: 'RUNNING' });
  let count = (await pager.nextPage()).length;
  const first = performance.now() - started;
  while (!pager.done) count += (await pager.nextPage()).length;
  return { first, count };
}

/** The naive way: every ListTasks page first, then DescribeTasks sequentially. */
async function naiveAllTasks(ecs: EcsApi, cluster: string): Promise<{ first: number; count: number }> {
  const started = performance.now();
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const page = await ecs.listTaskArns(cluster, { serviceName: 'worker', desiredStatus: 'RUNNING' }, token);
    arns.push(...page.arns);
    token = page.nextToken;
  } while (token);
  let count = 0;
  let first = 0;
  for (const group of chunk(arns, 100)) {
    count += (await ecs.describeTasks(cluster, group)).items.length;
    if (!first) first = performance.now() - started;
  }
  return { first, count };
}

export async function benchExplorer(): Promise<BenchRow[]> {
  const restore = withAwsProfileFiles();
  const aws = await startFakeAwsThread();
  const calls = async () => ((await aws.control('fake', 'calls')) as { calls: unknown[] }).calls.length;
  const resetCalls = () => aws.control('fake', 'resetCalls');
  try {
    await aws.control('ecs', 'seed', { clusters: [{ name: 'airflow-bench', services: [{ name: 'worker', desiredCount: TASKS }], standaloneTasks: [{ family: 'airflow-db-migrate' }] }] });
    await aws.control('fake', 'latency', { ms: LATENCY_MS });
    const ecs = createEcsApi(await resolveConnection({ profile: 'test', region: 'us-east-1', endpoint: aws.url }), silentLogger);
    const rows: BenchRow[] = [];
    const pages = Math.ceil(TASKS / 100);
    const bound = (pages + 1) * LATENCY_MS;

    // Warm the HTTP connection so both ways start equal.
    await ecs.listClusterArns();

    await resetCalls();
    let t = performance.now();
    const { items: clusters } = await ecs.describeClusters(await ecs.listClusterArns());
    await loadServices(ecs, clusters[0].clusterArn!);
    rows.push({ scenario: 'cluster + services levels', way: 'ours', ms: performance.now() - t, calls: await calls() });

    await resetCalls();
    t = performance.now();
    const ours = await oursAllTasks(ecs, 'airflow-bench');
    const oursMs = performance.now() - t;
    const oursCalls = await calls();
    rows.push({ scenario: `first 100 of ${TASKS} tasks`, way: 'ours', ms: ours.first, calls: 2 });
    rows.push({ scenario: `all ${TASKS} tasks (Load more)`, way: 'ours', ms: oursMs, calls: oursCalls, note: `bound (pages+1)x${LATENCY_MS}ms = ${bound} ms; ratio to bound ${(oursMs / bound).toFixed(2)}; ${ours.count} tasks` });

    await resetCalls();
    t = performance.now();
    const naive = await naiveAllTasks(ecs, 'airflow-bench');
    const naiveMs = performance.now() - t;
    rows.push({ scenario: `first 100 of ${TASKS} tasks`, way: 'naive', ms: naive.first, calls: pages + 1 });
    rows.push({ scenario: `all ${TASKS} tasks`, way: 'naive', ms: naiveMs, calls: await calls(), note: `${naive.count} tasks; naive/ours ${(naiveMs / oursMs).toFixed(2)}x` });

    // The auto-refresh of a screen with two pages of worker tasks loaded and "Standalone tasks" open.
    const scenario = 'refresh: 2 loaded task pages + Standalone tasks open';
    const standalone = (tasks: Parameters<typeof belongsToService>[0][]) => tasks.filter((task) => !belongsToService(task));
    const filter = { serviceName: 'worker', desiredStatus: 'RUNNING' } as const;
    const list = new PagedTaskList(ecs, 'airflow-bench', filter);
    await list.loadMore();
    await list.loadMore();
    const group = new SelectedTaskList(ecs, 'airflow-bench', { desiredStatus: 'RUNNING' }, standalone);
    await group.load();
    await resetCalls();
    t = performance.now();
    await Promise.all([list.reload(), group.load()]);
    rows.push({ scenario, way: 'ours', ms: performance.now() - t, calls: await calls(), note: `in place: ${list.tasks.length} tasks still shown, ${group.tasks.length} standalone; only shown or new tasks described` });

    // As before: rebuilt from the root, so the first page only, and every task of the cluster described to find the standalone one.
    await resetCalls();
    t = performance.now();
    const rebuilt = new PagedTaskList(ecs, 'airflow-bench', filter);
    const walked = new SelectedTaskList(ecs, 'airflow-bench', { desiredStatus: 'RUNNING' }, standalone);
    await Promise.all([rebuilt.loadMore(), walked.load()]);
    rows.push({ scenario, way: 'rebuild', ms: performance.now() - t, calls: await calls(), note: `${rebuilt.tasks.length} tasks shown ("Load more" progress lost), ${walked.tasks.length} standalone` });
    return rows;
  } finally {
    await aws.close();
    restore();
  }
}

const SERVICES = 2000;

/**
 * A cluster of 2,000 services (e1s users wait minutes for one): ours shows the first screen
 * after a ListServices page and one round of describes, then streams the rest in; the naive way
 * lists every page, then describes everything (10 a call, 4 in flight), and shows nothing until
 * the end. Round trips are the time over the latency (each call waits LATENCY_MS at the fake).
 */
export async function benchLargeCluster(): Promise<BenchRow[]> {
  const restore = withAwsProfileFiles();
  const aws = await startFakeAwsThread();
  const calls = async (operation?: string) => ((await aws.control('fake', 'calls')) as { calls: { operation: string }[] }).calls.filter((c) => !operation || c.operation === operation).length;
  const resetCalls = () => aws.control('fake', 'resetCalls');
  try {
    await aws.control('ecs', 'seed', { clusters: [{ name: 'airflow-large', generatedServices: SERVICES }] });
    await aws.control('fake', 'latency', { ms: LATENCY_MS });
    const ecs = createEcsApi(await resolveConnection({ profile: 'test', region: 'us-east-1', endpoint: aws.url }), silentLogger);
    const pages = Math.ceil(SERVICES / 100);
    const bound = pages * LATENCY_MS;
    const trips = (ms: number) => `${(ms / LATENCY_MS).toFixed(1)} round trips`;
    // Warm the HTTP connections so both ways start equal.
    await Promise.all(Array.from({ length: 10 }, () => ecs.listClusterArns()));

    // The floor: the ListServices pages alone, one after another, as measured here (the machine's
    // own cost per call on top of the latency shows in it as it does in ours).
    let t = performance.now();
    await ecs.listServiceArns('airflow-large');
    const floor = performance.now() - t;

    await resetCalls();
    t = performance.now();
    const list = new ServiceList(ecs, 'airflow-large');
    await list.load(new AbortController().signal);
    const oursFirst = performance.now() - t;
    const firstDescribed = list.services.filter((e) => e.state === 'described').length;
    const firstListed = list.size;
    const firstCalls = await calls();
    await list.settled;
    const oursAll = performance.now() - t;
    const oursCalls = await calls();
    const described = list.services.filter((e) => e.state === 'described').length;

    await resetCalls();
    t = performance.now();
    const naive = await loadServices(ecs, 'airflow-large');
    const naiveAll = performance.now() - t;
    const naiveCalls = await calls();

    return [
      { scenario: `${pages} ListServices pages alone`, way: 'floor', ms: floor, calls: pages, note: `${trips(floor)}; nominal ${pages} x ${LATENCY_MS} ms = ${bound} ms` },
      { scenario: 'first screen of services', way: 'ours', ms: oursFirst, calls: firstCalls, note: `${trips(oursFirst)}; ${firstDescribed} rows described, ${firstListed} listed` },
      { scenario: 'first screen of services', way: 'naive', ms: naiveAll, calls: naiveCalls, note: `${trips(naiveAll)}: nothing shows before every service is described; naive/ours ${(naiveAll / oursFirst).toFixed(1)}x` },
      { scenario: `all ${SERVICES.toLocaleString('en-US')} services described`, way: 'ours', ms: oursAll, calls: oursCalls, note: `${trips(oursAll)}; ${(oursAll / floor).toFixed(2)}x the ListServices pages alone, ${(oursAll / bound).toFixed(2)}x nominal ${bound} ms (target ≤ 1.3); ${described} described` },
      { scenario: `all ${SERVICES.toLocaleString('en-US')} services described`, way: 'naive', ms: naiveAll, calls: naiveCalls, note: `${trips(naiveAll)}; ${(naiveAll / floor).toFixed(2)}x the pages alone, ${(naiveAll / bound).toFixed(2)}x nominal; ${naive.items.length} described; naive/ours ${(naiveAll / oursAll).toFixed(2)}x` },
    ];
  } finally {
    await aws.close();
    restore();
  }
}
