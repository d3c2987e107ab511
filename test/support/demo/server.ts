// The demo environment `npm start` runs: the project's own local AWS endpoint and SonarCloud,
// seeded with the deployment of ./deployment.ts around a fresh demo workspace, and workers
// that keep logging while it runs. scripts/start.mjs bundles this file and calls startDemo().
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeAws } from '../fakeAws';
import { startFakeSonar } from '../fakeSonar';
import { seedFromFolder, startFakeAirflow, type FakeAirflow } from '../fakeAirflow';
import {
  demoBuilds, demoCluster, demoLoadBalancers, demoProjects, demoRepository, demoSonarProject, deployedIndex, DEMO_CLUSTER, DEMO_DAG_PROJECT, DEMO_IMAGE_PROJECT,
  DEMO_LOG_GROUP, DEMO_REGION, DEMO_REPOSITORY, FIRST_IMAGE_BUILD, serviceStartLines, workerLines,
} from './deployment';
import { createDemoWorkspace, FIRST_FAILING_COMMIT } from './workspace';

export interface DemoOptions {
  repoRoot: string;
  /** Everything the demo writes goes here (workspace, its upstream, fake AWS files). */
  dir: string;
  /** How often a worker logs a task instance; 1.5 s by default. */
  workerLogEveryMs?: number;
}

export interface Demo {
  awsUrl: string;
  sonarUrl: string;
  /** A random token the local SonarCloud accepts; it is worth nothing anywhere else. */
  sonarToken: string;
  workspace: string;
  /** The demo's Airflow 3 API (test/support/fakeAirflow.ts) and its generated admin password. */
  airflowUrl: string;
  airflowUser: string;
  airflowPassword: string;
  /** Environment for the VS Code server: fake credentials in files of the demo's own, and the region. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

interface TaskJson {
  taskArn: string;
  group: string;
  lastStatus: string;
  startedAt?: number;
  containers: { name: string }[];
}

/** The stream awslogs writes a task's container to: `<prefix>/<container>/<task id>`. */
const streamOf = (t: TaskJson) => `${t.group.replace(/^(service|family):(airflow-ecs-)?/, '')}/${t.containers[0].name}/${t.taskArn.split('/').pop()}`;

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const { folder, commits } = await createDemoWorkspace(opts.repoRoot, opts.dir);
  const head = commits[commits.length - 1].sha;
  const fakes = await startFakeAws();
  const sonar = await startFakeSonar();
  const airflow = await startFakeAirflow();
  let timer: NodeJS.Timeout | undefined;
  const stopAll = async () => {
    clearInterval(timer);
    fakes.aws.reset();
    await fakes.aws.close();
    await sonar.close();
    await airflow.close();
  };
  try {
    const digests = fakes.ecr.seed([demoRepository(commits)])[DEMO_REPOSITORY];
    // demoRepository lists the newest image first.
    const deployed = deployedIndex(commits);
    const digestOf = (i: number) => digests[commits.length - 1 - i];
    const earlier = Array.from({ length: deployed }, (_, i) => ({ build: FIRST_IMAGE_BUILD + i, digest: digestOf(i) }));
    fakes.ecs.seed([demoCluster(FIRST_IMAGE_BUILD + deployed, digestOf(deployed), earlier)]);
    fakes.elb.seed(demoLoadBalancers());

    fakes.codebuild.seed(demoProjects(commits));
    const builds = demoBuilds(commits, FIRST_FAILING_COMMIT);
    fakes.codebuild.seedBuilds(DEMO_DAG_PROJECT, builds.dag);
    fakes.codebuild.seedBuilds(DEMO_IMAGE_PROJECT, builds.image);

    const tasks = (fakes.ecs.control.tasks({ cluster: DEMO_CLUSTER }) as unknown as { tasks: TaskJson[] }).tasks;
    for (const t of tasks) {
      const started = Number(t.startedAt ?? Date.now() / 1000) * 1000;
      const service = streamOf(t).split('/')[0];
      fakes.logs.addEvents(DEMO_LOG_GROUP, streamOf(t), serviceStartLines(service, started).map((message, i) => ({ timestamp: started + i, message })));
    }
    const workers = tasks.filter((t) => t.group === 'service:worker' && t.lastStatus === 'RUNNING').map(streamOf);
    // Fifteen minutes of history, then a task instance every workerLogEveryMs, round the workers.
    const every = opts.workerLogEveryMs ?? 1500;
    let n = 0;
    const log = (at: number) => {
      const stream = workers[n % workers.length];
      fakes.logs.addEvents(DEMO_LOG_GROUP, stream, workerLines(n++, at).map((message, i) => ({ timestamp: at + i, message })));
    };
    for (let at = Date.now() - 15 * 60_000; at < Date.now(); at += 20_000) log(at);
    timer = setInterval(() => log(Date.now()), every);

    const sonarToken = `squ_demo_${randomBytes(16).toString('hex')}`;
    sonar.token = sonarToken;
    sonar.seed(demoSonarProject(head, (repoPath) => {
      try {
        return fs.readFileSync(path.join(folder, repoPath), 'utf8').split('\n').length;
      } catch {
        return undefined;
      }
    }));

    seedDemoAirflow(airflow, path.join(folder, 'dags'));

    return {
      awsUrl: fakes.aws.url, sonarUrl: sonar.url, sonarToken, workspace: folder,
      airflowUrl: airflow.url, airflowUser: airflow.username, airflowPassword: airflow.password,
      env: { ...awsFiles(opts.dir), AWS_REGION: DEMO_REGION, AWS_ACCESS_KEY_ID: DEMO_ACCESS_KEY, AWS_SECRET_ACCESS_KEY: DEMO_SECRET_KEY, AWS_EC2_METADATA_DISABLED: 'true' },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The workspace's DAGs as deployed, unpaused, with a day of runs: the newest of sensor_branching failed. */
function seedDemoAirflow(airflow: FakeAirflow, dagsFolder: string): void {
  seedFromFolder(airflow, dagsFolder);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const dag of airflow.dags.values()) {
    dag.is_paused = dag.dag_id === 'bad_tempfile_example';
    for (let h = 24; h >= 1; h -= dag.dag_id === 'sensor_branching' ? 1 : 6) {
      const at = now - h * 3_600_000;
      const failed = dag.dag_id === 'sensor_branching' && h === 1;
      airflow.addRun({ dag_id: dag.dag_id, dag_run_id: `scheduled__${iso(at)}`, state: failed ? 'failed' : 'success', run_after: iso(at), start_date: iso(at + 1000), end_date: iso(at + 95_000) });
    }
  }
}

const DEMO_ACCESS_KEY = 'AKIADEMODEMODEMODEMO';
const DEMO_SECRET_KEY = 'demo-secret-access-key-not-a-real-one';

/**
 * Shared config and credentials files of the demo's own, holding only its fake `default`
 * profile: the user's ~/.aws is never read, and no profile picked in the demo can sign a
 * request with real keys.
 */
function awsFiles(dir: string): Record<string, string> {
  const config = path.join(dir, 'aws-config');
  const credentials = path.join(dir, 'aws-credentials');
  fs.writeFileSync(config, `[default]\nregion = ${DEMO_REGION}\n`);
  fs.writeFileSync(credentials, `[default]\naws_access_key_id = ${DEMO_ACCESS_KEY}\naws_secret_access_key = ${DEMO_SECRET_KEY}\n`);
  return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
}
