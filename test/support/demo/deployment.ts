// What the demo's AWS account and SonarCloud project hold: an Airflow-on-ECS deployment named as
// infra-templates/cloudformation/airflow-ecs.yaml names it (project `airflow-ecs`), whose images
// and builds trace back to the demo workspace's own commits. Pure data, no servers.
import { FakeElb, type SeedBuild, type SeedCluster, type SeedLoadBalancer, type SeedProject, type SeedRepository } from '../fakeAws';
import type { SeedContainer, SeedService } from '../fakeAws/ecs';
import type { SeedFinding, SeedImage } from '../fakeAws/ecr';
import { FAILING_GATE, SAMPLE_ORGANIZATION, SAMPLE_PROJECT_KEY, sampleHotspots, sampleIssues, type FakeSonarProject } from '../fakeSonar';

export const DEMO_REGION = 'us-east-1';
export const DEMO_ACCOUNT = '123456789012';
export const DEMO_CLUSTER = 'airflow-ecs-cluster';
export const DEMO_REPOSITORY = 'airflow-ecs-image';
export const DEMO_LOG_GROUP = '/ecs/airflow-ecs';
export const DEMO_DAG_PROJECT = 'airflow-ecs-dags';
export const DEMO_IMAGE_PROJECT = 'airflow-ecs-image';
/** The image pipeline's build number of the oldest commit; one build per commit after it. */
export const FIRST_IMAGE_BUILD = 41;
const REPOSITORY_URI = `${DEMO_ACCOUNT}.dkr.ecr.${DEMO_REGION}.amazonaws.com/${DEMO_REPOSITORY}`;

export interface DemoCommit {
  sha: string;
  subject: string;
}

/** The Airflow services of the template, with how many tasks each runs. */
export const DEMO_SERVICES: readonly { name: string; desiredCount: number }[] = [
  { name: 'api-server', desiredCount: 1 },
  { name: 'scheduler', desiredCount: 1 },
  { name: 'dag-processor', desiredCount: 1 },
  { name: 'triggerer', desiredCount: 1 },
  { name: 'worker', desiredCount: 3 },
  { name: 'flower', desiredCount: 1 },
];

export const imageTag = (buildNumber: number) => `build-${buildNumber}`;

/** awslogs as the template configures it: one group, the service name as stream prefix. */
function awslogs(prefix: string) {
  return { logDriver: 'awslogs', options: { 'awslogs-group': DEMO_LOG_GROUP, 'awslogs-region': DEMO_REGION, 'awslogs-stream-prefix': prefix } };
}

const FINDINGS: SeedFinding[] = [
  { name: 'CVE-2024-6345', severity: 'HIGH', packageName: 'setuptools', packageVersion: '68.0.0', uri: 'https://nvd.nist.gov/vuln/detail/CVE-2024-6345' },
  { name: 'CVE-2023-50447', severity: 'CRITICAL', packageName: 'pillow', packageVersion: '10.0.1', uri: 'https://nvd.nist.gov/vuln/detail/CVE-2023-50447' },
  { name: 'CVE-2024-35195', severity: 'MEDIUM', packageName: 'requests', packageVersion: '2.31.0', uri: 'https://nvd.nist.gov/vuln/detail/CVE-2024-35195' },
  { name: 'CVE-2023-45853', severity: 'LOW', packageName: 'zlib1g', packageVersion: '1:1.2.13.dfsg-1', uri: 'https://nvd.nist.gov/vuln/detail/CVE-2023-45853' },
];

/**
 * One image per commit (oldest first in `commits`), built by the image pipeline: tag
 * `build-<N>`, labels BUILD_NUMBER and SOURCE_VERSION, scanned on push. The newest also
 * carries `latest`. Newer images fixed some of the older ones' findings.
 */
export function demoRepository(commits: readonly DemoCommit[]): SeedRepository {
  return {
    name: DEMO_REPOSITORY,
    images: commits.map((commit, i): SeedImage => {
      const buildNumber = FIRST_IMAGE_BUILD + i;
      const newest = i === commits.length - 1;
      return {
        tags: newest ? [imageTag(buildNumber), 'latest'] : [imageTag(buildNumber)],
        labels: { BUILD_NUMBER: String(buildNumber), SOURCE_VERSION: commit.sha, 'org.opencontainers.image.source': 'https://github.com/example/airflow-ecs' },
        pushedMinutesAgo: (commits.length - i) * 90,
        sizeMB: 1210 + i * 4,
        scan: 'COMPLETE',
        findings: FINDINGS.slice(Math.min(i, 2)),
      };
    }).reverse(),
  };
}

/** The image the cluster runs: the one before the newest, so HEAD's image is pushed but not deployed yet. */
export function deployedIndex(commits: readonly DemoCommit[]): number {
  return Math.max(0, commits.length - 2);
}

/**
 * The cluster: every service on the deployed image, the workers at three tasks, and the
 * standalone `airflow db migrate` task that ran before the deployment and stopped.
 */
const DEMO_TARGET_GROUP = 'airflow-ecs-api';

/** The api-server's load balancer, as the template creates it (internal, HTTP). */
export function demoLoadBalancers(): SeedLoadBalancer[] {
  return [{ name: 'airflow-ecs-api', scheme: 'internal', listeners: [{ protocol: 'HTTP', port: 80 }], targetGroups: [DEMO_TARGET_GROUP] }];
}

/** A revision's container as the template defines it: the image of one build, its settings and secret names. */
function demoContainer(name: string, build: number, digest: string, concurrency: number): SeedContainer {
  return {
    name, image: `${REPOSITORY_URI}:${imageTag(build)}`, imageDigest: digest,
    command: name === 'worker' ? ['celery', 'worker'] : [name],
    environment: {
      AIRFLOW__CORE__EXECUTOR: 'CeleryExecutor',
      AIRFLOW__CELERY__WORKER_CONCURRENCY: String(concurrency),
      AIRFLOW__LOGGING__REMOTE_LOGGING: 'True',
    },
    secrets: ['AIRFLOW__CELERY__BROKER_URL', 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN'],
  };
}

/** The revision the cluster runs; each earlier image was one revision before it. */
const DEMO_REVISION = 7;

/**
 * Every service deployed each earlier image (oldest first) as one revision before the running
 * one; the workers' deployment of the last earlier image failed its tasks and the circuit breaker
 * rolled it back (the next build fixed it).
 */
function demoHistory(name: string, earlier: readonly { build: number; digest: string }[]): SeedService['history'] {
  return earlier.map((image, i) => {
    const failed = name === 'worker' && i === earlier.length - 1;
    return {
      revision: DEMO_REVISION - earlier.length + i,
      containers: [demoContainer(name, image.build, image.digest, 8)],
      startedMinutesAgo: (earlier.length - i) * 90 + 60,
      ...(failed ? { status: 'ROLLBACK_SUCCESSFUL' as const, statusReason: 'ECS deployment circuit breaker: 2 tasks failed to start.', failedTasks: 2, minutes: 9 } : {}),
    };
  });
}

export function demoCluster(deployedBuild: number, deployedDigest: string, earlier: readonly { build: number; digest: string }[] = []): SeedCluster {
  const container = (name: string): SeedContainer[] => [demoContainer(name, deployedBuild, deployedDigest, 16)];
  return {
    name: DEMO_CLUSTER,
    services: DEMO_SERVICES.map((s) => ({
      name: s.name,
      desiredCount: s.desiredCount,
      family: `airflow-ecs-${s.name}`,
      revision: DEMO_REVISION,
      containers: container(s.name),
      history: demoHistory(s.name, earlier),
      logConfiguration: awslogs(s.name),
      events: [`(service ${s.name}) has reached a steady state.`, `(service ${s.name}) has started ${s.desiredCount} tasks: (task ${s.name}).`],
      ...(s.name === 'worker' ? { stopped: 1 } : {}),
      // The template puts the api-server behind a load balancer (Open Airflow UI follows it).
      ...(s.name === 'api-server' ? { loadBalancers: [{ targetGroupArn: FakeElb.targetGroupArn(DEMO_TARGET_GROUP), containerName: 'api-server', containerPort: 8080 }] } : {}),
    })),
    standaloneTasks: [{
      family: 'airflow-ecs-db-migrate', revision: DEMO_REVISION, lastStatus: 'STOPPED', desiredStatus: 'STOPPED',
      startedMinutesAgo: 42, stoppedMinutesAgo: 40, stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited',
      logConfiguration: awslogs('db-migrate'),
      containers: [{ name: 'db-migrate', image: `${REPOSITORY_URI}:${imageTag(deployedBuild)}`, imageDigest: deployedDigest, lastStatus: 'STOPPED', exitCode: 0 }],
    }],
  };
}

const DAG_PHASE_LOGS: SeedProject['phaseLogs'] = {
  INSTALL: ['[Container] Running command pip install -r tests/requirements.txt', 'Successfully installed apache-airflow-2.10.5 pendulum-3.0.0'],
  PRE_BUILD: ['[Container] Running command python -m unittest discover -s tests -v', 'test_default_args (test_dag_static.DagStaticTest.test_default_args) ... ok', 'test_unique_dag_ids (test_dag_static.DagStaticTest.test_unique_dag_ids) ... ok', 'Ran 6 tests in 0.412s', 'OK'],
  BUILD: [
    '[Container] Running command sonar-scanner -Dsonar.branch.name=main',
    'INFO: ANALYSIS SUCCESSFUL, you can find the results at: https://sonarcloud.io/dashboard?id=airflow-ecs_dags&branch=main',
    '[Container] Running command python infra/scripts/quality_gate.py',
    'Quality gate ERROR: new_security_rating is 5 (E), threshold 1 (A)',
  ],
  POST_BUILD: ['[Container] Running command aws s3 sync dags/ /mnt/efs/dags --delete'],
};

const IMAGE_PHASE_LOGS: SeedProject['phaseLogs'] = {
  PRE_BUILD: ['[Container] Running command aws ecr get-login-password | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com', 'Login Succeeded'],
  BUILD: ['[Container] Running command docker build --build-arg BUILD_NUMBER=$CODEBUILD_BUILD_NUMBER --build-arg SOURCE_VERSION=$CODEBUILD_RESOLVED_SOURCE_VERSION -t airflow-ecs-image infra/docker', 'Step 1/9 : FROM apache/airflow:2.10.5-python3.11', 'Successfully built 3f1c2b9d7e4a'],
  POST_BUILD: ['[Container] Running command docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/airflow-ecs-image --all-tags'],
};

/** The two pipelines; a phase takes a few seconds so a started build can be watched. */
export function demoProjects(commits: readonly DemoCommit[], phaseMs = 3000): SeedProject[] {
  const knownCommits = commits.map((c) => c.sha);
  return [
    {
      name: DEMO_DAG_PROJECT, phaseMs, knownCommits, phaseLogs: DAG_PHASE_LOGS,
      failAt: { phase: 'BUILD', message: 'Error while executing command: python infra/scripts/quality_gate.py. Reason: exit status 1' },
    },
    { name: DEMO_IMAGE_PROJECT, phaseMs, knownCommits, phaseLogs: IMAGE_PHASE_LOGS },
  ];
}

/**
 * Past builds, oldest first, one per commit and pipeline. The image builds' numbers are the
 * images' BUILD_NUMBER labels; the DAG pipeline passed until commit `failingFrom`, which
 * brought the insecure temp-file DAG, and has failed on the quality gate since.
 */
export function demoBuilds(commits: readonly DemoCommit[], failingFrom: number): { dag: SeedBuild[]; image: SeedBuild[] } {
  const image = commits.map((c, i): SeedBuild => ({
    sourceVersion: c.sha, startedMinutesAgo: (commits.length - i) * 90 + 8, status: 'SUCCEEDED', phaseSeconds: 40, buildNumber: FIRST_IMAGE_BUILD + i,
  }));
  const dag = commits.map((c, i): SeedBuild => ({
    sourceVersion: c.sha, startedMinutesAgo: (commits.length - i) * 90 + 5, status: i >= failingFrom ? 'FAILED' : 'SUCCEEDED', phaseSeconds: 12, buildNumber: 17 + i,
  }));
  return { dag, image };
}

/**
 * The SonarCloud project of the workspace: the sample findings that land on a line of a file
 * the workspace has (`lineCount` answers for a repository path, undefined when it is absent),
 * the sample hotspot, and the gate failing on new_security_rating, analysed at `head`.
 */
export function demoSonarProject(head: string, lineCount: (repoPath: string) => number | undefined): FakeSonarProject {
  const fits = (component: string, line: number | undefined) => {
    const lines = lineCount(component.slice(component.indexOf(':') + 1));
    return lines !== undefined && (line ?? 1) <= lines;
  };
  return {
    key: SAMPLE_PROJECT_KEY,
    organization: SAMPLE_ORGANIZATION,
    branches: [{ name: 'main', isMain: true }],
    issues: { main: sampleIssues().filter((i) => fits(i.component, i.line)) },
    hotspots: { main: sampleHotspots().filter((h) => fits(h.component, h.line)) },
    gate: { main: FAILING_GATE },
    revision: { main: head },
  };
}

const DAG_TASKS: readonly [dag: string, task: string][] = [
  ['etl_taskflow', 'extract'], ['etl_taskflow', 'transform'], ['etl_taskflow', 'load'],
  ['sensor_branching', 'wait_for_marker'], ['sensor_branching', 'choose_path'], ['sensor_branching', 'incremental'],
];

function airflowTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/**
 * The `n`-th group of lines a Celery worker writes while running a task instance: received,
 * running, and its outcome (every seventh one fails and is retried).
 */
export function workerLines(n: number, at: number): string[] {
  const [dag, task] = DAG_TASKS[n % DAG_TASKS.length];
  const runId = `scheduled__${new Date(at - (at % 3_600_000)).toISOString().replace('.000Z', '+00:00')}`;
  const t = airflowTime(at);
  const head = [
    `[${t}] {celery_executor_utils.py:139} INFO - [${(n * 2654435761 >>> 0).toString(16).padStart(8, '0')}] Executing command in Celery: ['airflow', 'tasks', 'run', '${dag}', '${task}', '${runId}', '--local', '--subdir', 'DAGS_FOLDER/${dag}.py']`,
    `[${t}] {taskinstance.py:2614} INFO - Dependencies all met for dag_id=${dag}, task_id=${task}, run_id=${runId}, map_index=-1`,
  ];
  if (n % 7 === 6) {
    return [...head,
      `[${t}] {taskinstance.py:3311} ERROR - Task failed with exception: FileNotFoundError: [Errno 2] No such file or directory: '/opt/airflow/data/marker'`,
      `[${t}] {taskinstance.py:1225} WARNING - Marking task as UP_FOR_RETRY. dag_id=${dag}, task_id=${task}, run_id=${runId}`];
  }
  return [...head, `[${t}] {taskinstance.py:352} INFO - Marking task as SUCCESS. dag_id=${dag}, task_id=${task}, run_id=${runId}`];
}

/** What the other services said at start-up, so their tails are not empty either. */
export function serviceStartLines(service: string, at: number): string[] {
  const t = airflowTime(at);
  switch (service) {
    case 'scheduler': return [`[${t}] {scheduler_job_runner.py:950} INFO - Starting the scheduler`, `[${t}] {executor_loader.py:254} INFO - Loaded executor: CeleryExecutor`];
    case 'dag-processor': return [`[${t}] {manager.py:410} INFO - Processing files using up to 2 processes at a time`, `[${t}] {manager.py:1078} INFO - Found 3 DAG files in /opt/airflow/dags`];
    case 'triggerer': return [`[${t}] {triggerer_job_runner.py:341} INFO - Starting the triggerer`];
    case 'api-server': return [`[${t}] {app.py:79} INFO - Airflow API server listening on 0.0.0.0:8080`];
    case 'flower': return [`[${t}] {command.py:168} INFO - Visit me at http://0.0.0.0:5555`, `[${t}] {mixins.py:228} INFO - Connected to redis://airflow-ecs-redis:6379/0`];
    case 'db-migrate': return [`[${t}] {migration.py:207} INFO - Context impl PostgresqlImpl.`, `[${t}] {db.py:1675} INFO - Database migrating done!`];
    default: return [`[${t}] {worker.py:95} INFO - celery@ip-10-0-1-17 ready.`];
  }
}
