import { createEcrApi, DESCRIBE_IMAGES_PAGE, type EcrApi } from '../src/core/aws/ecr';
import { resolveConnection } from '../src/core/aws/connection';
import { LabelCache, LabelLoader, readImageLabels } from '../src/core/ecr/labels';
import { byPushedDesc } from '../src/core/ecr/present';
import { silentLogger } from '../src/core/log';
import { startFakeAwsThread } from '../test/support/fakeAws/worker';
import { withAwsProfileFiles } from '../test/support/awsProfiles';
import type { BenchRow } from './explorer';

const LATENCY_MS = 50;
const TAGS = 500;
const HUNG_TIMEOUT_MS = 3000;

/** Ours: one DescribeImages page on screen, then labels of those tags only, 8 at a time, through the cache. */
async function firstPage(ecr: EcrApi, loader: LabelLoader): Promise<{ listMs: number; labelsMs: number; lookups: number }> {
  const started = performance.now();
  const page = await ecr.describeImages('airflow', undefined, DESCRIBE_IMAGES_PAGE);
  const visible = page.images.sort(byPushedDesc).filter((i) => i.imageTags?.length);
  const listMs = performance.now() - started;
  const before = loader.lookups;
  await loader.loadAll('airflow', visible.map((i) => i.imageDigest!));
  return { listMs, labelsMs: performance.now() - started, lookups: loader.lookups - before };
}

/** Naive: every DescribeImages page, then every image's labels one after another. */
async function naiveAll(ecr: EcrApi): Promise<number> {
  const images = [];
  let token: string | undefined;
  do {
    const page = await ecr.describeImages('airflow', token, DESCRIBE_IMAGES_PAGE);
    images.push(...page.images);
    token = page.nextToken;
  } while (token);
  for (const i of images) await readImageLabels(ecr, 'airflow', i.imageDigest!, undefined, 10_000);
  return images.length;
}

export async function benchImages(): Promise<BenchRow[]> {
  const restore = withAwsProfileFiles();
  const aws = await startFakeAwsThread();
  const calls = async () => ((await aws.control('fake', 'calls')) as { calls: unknown[] }).calls.length;
  const resetCalls = () => aws.control('fake', 'resetCalls');
  try {
    await aws.control('ecr', 'seed', {
      repositories: [{ name: 'airflow', images: Array.from({ length: TAGS }, (_, i) => ({ tags: [`build-${i}`], labels: { BUILD_NUMBER: String(i), SOURCE_VERSION: i.toString(16).padStart(40, '0') }, pushedMinutesAgo: i })) }],
    });
    await aws.control('fake', 'latency', { ms: LATENCY_MS });
    const ecr = createEcrApi(await resolveConnection({ profile: 'test', region: 'us-east-1', endpoint: aws.url }), silentLogger);
    await ecr.listRepositories();
    const loader = new LabelLoader(() => Promise.resolve(ecr), new LabelCache(undefined, silentLogger));
    const rows: BenchRow[] = [];

    await resetCalls();
    const cold = await firstPage(ecr, loader);
    const coldCalls = await calls();
    rows.push({ scenario: `first page of ${TAGS} tags on screen`, way: 'ours', ms: cold.listMs, calls: 1, note: '1 DescribeImages round trip' });
    rows.push({ scenario: `labels of the ${DESCRIBE_IMAGES_PAGE} visible tags, cold cache`, way: 'ours', ms: cold.labelsMs, calls: coldCalls, note: `${cold.lookups} lookups (BatchGetImage + GetDownloadUrlForLayer + blob GET each), 8 in parallel` });

    await resetCalls();
    const warm = await firstPage(ecr, loader);
    rows.push({ scenario: `labels of the ${DESCRIBE_IMAGES_PAGE} visible tags, warm cache`, way: 'ours', ms: warm.labelsMs, calls: await calls(), note: `${warm.lookups} label lookups` });

    await resetCalls();
    const t = performance.now();
    const n = await naiveAll(ecr);
    const naiveMs = performance.now() - t;
    rows.push({ scenario: `all ${n} tags with labels, sequential`, way: 'naive', ms: naiveMs, calls: await calls(), note: `naive/ours(cold first page) ${(naiveMs / cold.labelsMs).toFixed(1)}x` });

    // One hung config blob on the page: ours draws each row as its labels arrive; a batch waits for the slowest.
    await aws.control('ecr', 'seed', {
      repositories: [{ name: 'airflow', images: Array.from({ length: DESCRIBE_IMAGES_PAGE }, (_, i) => ({ tags: [`hung-${i}`], labels: { BUILD_NUMBER: String(i) }, pushedMinutesAgo: i, blob: i === 0 ? 'hang' : 'ok' })) }],
    });
    await resetCalls();
    const hungLoader = new LabelLoader(() => Promise.resolve(ecr), new LabelCache(undefined, silentLogger), HUNG_TIMEOUT_MS);
    const page = (await ecr.describeImages('airflow', undefined, DESCRIBE_IMAGES_PAGE)).images;
    const t0 = performance.now();
    let drawn = 0;
    let othersMs = 0;
    await hungLoader.loadAll('airflow', page.map((i) => i.imageDigest!), undefined, (_d, o) => {
      if (o.state !== 'error' && ++drawn === page.length - 1) othersMs = performance.now() - t0;
    });
    const batchMs = performance.now() - t0;
    rows.push({ scenario: `${page.length - 1} of ${page.length} rows labelled, 1 config blob hung`, way: 'ours', ms: othersMs, calls: await calls(), note: `${hungLoader.lookups} lookups on expanding the repository: every tagged image of the loaded page; each row drawn as it arrives` });
    rows.push({ scenario: `${page.length - 1} of ${page.length} rows labelled, 1 config blob hung`, way: 'naive', ms: batchMs, calls: await calls(), note: `one batch waits for the ${HUNG_TIMEOUT_MS / 1000} s timeout: ${(batchMs / othersMs).toFixed(1)}x` });
    return rows;
  } finally {
    await aws.close();
    restore();
  }
}
