import * as assert from 'node:assert/strict';
import type { Container, Service, ServiceDeployment, ServiceRevision, TaskDefinition } from '@aws-sdk/client-ecs';
import {
  canStopDeployment, deploymentSettled, deploymentView, imagesLine, newestFirst, previousTaskDefinition, revisionDigests,
  revisionName, revisionView, taskDefinitionDocument,
} from '../../src/core/ecs/deployments';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const ago = (minutes: number) => new Date(NOW - minutes * 60_000);
const PREFIX = 'arn:aws:ecs:us-east-1:123456789012';
const REV_7 = `${PREFIX}:service-revision/prod/worker/4980306466373577001`;
const REV_8 = `${PREFIX}:service-revision/prod/worker/4980306466373577002`;
const IMAGE = (build: number) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/airflow-ecs-image:build-${build}`;

const REVISIONS = new Map<string, ServiceRevision>([
  [REV_7, { serviceRevisionArn: REV_7, taskDefinition: `${PREFIX}:task-definition/airflow-worker:7`, launchType: 'FARGATE', containerImages: [{ containerName: 'worker', image: IMAGE(42), imageDigest: 'sha256:aaa' }] }],
  [REV_8, { serviceRevisionArn: REV_8, taskDefinition: `${PREFIX}:task-definition/airflow-worker:8`, launchType: 'FARGATE', containerImages: [{ containerName: 'worker', image: IMAGE(43), imageDigest: 'sha256:bbb' }] }],
]);

/** What the images feature answers from its label cache: builds by digest. */
const BUILDS: Record<string, { buildNumber: string; commit: string }> = {
  'sha256:aaa': { buildNumber: '42', commit: '1111111aaaaaaa' },
  'sha256:bbb': { buildNumber: '43', commit: '2222222bbbbbbb' },
};
const build = (c: Container) => (c.imageDigest ? BUILDS[c.imageDigest] ?? {} : {});

function deployment(over: Partial<ServiceDeployment> = {}): ServiceDeployment {
  return {
    serviceDeploymentArn: `${PREFIX}:service-deployment/prod/worker/NCWGC2ZR-taawPAYrIaU5`,
    status: 'SUCCESSFUL',
    createdAt: ago(190), startedAt: ago(190), finishedAt: ago(184),
    sourceServiceRevisions: [{ arn: REV_7, requestedTaskCount: 0, runningTaskCount: 0 }],
    targetServiceRevision: { arn: REV_8, requestedTaskCount: 3, runningTaskCount: 3 },
    deploymentConfiguration: { strategy: 'ROLLING' },
    deploymentCircuitBreaker: { status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 3 },
    alarms: { status: 'DISABLED' },
    ...over,
  };
}

describe('deployments: rows', () => {
  it('shows the target revision, status, strategy, when it ran and where it came from', () => {
    const v = deploymentView(deployment(), REVISIONS, NOW);
    assert.equal(v.label, 'airflow-worker:8');
    assert.equal(v.description, 'successful · rolling · finished 3 h ago, took 6 min · from airflow-worker:7');
    assert.equal(v.tone, 'ok');
    assert.match(v.tooltip, /\*\*Source revision:\*\* airflow\\-worker:7/);
    assert.match(v.tooltip, /\*\*Circuit breaker:\*\* monitoring complete, 0 of 3 failed tasks/);
  });

  it('says what failed: circuit-breaker counts and triggered alarms, a rollback', () => {
    const v = deploymentView(deployment({
      status: 'ROLLBACK_SUCCESSFUL',
      deploymentConfiguration: { strategy: 'BLUE_GREEN' },
      deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 },
      alarms: { status: 'TRIGGERED', alarmNames: ['airflow-5xx', 'airflow-latency'], triggeredAlarmNames: ['airflow-5xx'] },
      rollback: { reason: 'Circuit breaker', serviceRevisionArn: REV_7 },
    }), REVISIONS, NOW);
    assert.equal(v.description, 'rolled back · blue/green · finished 3 h ago, took 6 min · 3/3 failed tasks (circuit breaker triggered) · alarm airflow-5xx · from airflow-worker:7');
    assert.equal(v.tone, 'warning');
    assert.match(v.tooltip, /\*\*Alarms:\*\* airflow\\-5xx, airflow\\-latency \\\(triggered\\\)/);
    assert.match(v.tooltip, /\*\*Rolled back to:\*\* airflow\\-worker:7/);
  });

  it('a deployment in progress shows when it started and can be stopped; finished ones cannot', () => {
    const running = deployment({ status: 'IN_PROGRESS', finishedAt: undefined, startedAt: ago(4), deploymentConfiguration: { strategy: 'CANARY' } });
    const v = deploymentView(running, REVISIONS, NOW);
    assert.equal(v.description, 'in progress · canary · started 4 min ago · from airflow-worker:7');
    assert.equal(v.tone, 'progress');
    assert.ok(canStopDeployment(running));
    assert.ok(canStopDeployment({ status: 'PENDING' }));
    assert.ok(!deploymentSettled(running));
    for (const status of ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_REQUESTED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'] as const) {
      assert.ok(!canStopDeployment({ status }), status);
    }
    assert.ok(deploymentSettled({ status: 'ROLLBACK_FAILED' }));
    assert.equal(deploymentView({ ...running, status: 'ROLLBACK_FAILED' }, REVISIONS, NOW).tone, 'error');
  });

  it('names a revision it could not describe by its id, and the first deployment has no source', () => {
    const v = deploymentView(deployment({ sourceServiceRevisions: [] }), new Map(), NOW);
    assert.equal(v.label, 'revision 4980306466373577002');
    assert.doesNotMatch(v.description, /from/);
    assert.equal(revisionName(undefined, REVISIONS), '');
  });

  it('a revision row shows its task counts and images with build number and commit', () => {
    const v = revisionView('target', { arn: REV_8, requestedTaskCount: 3, runningTaskCount: 2, pendingTaskCount: 1 }, REVISIONS.get(REV_8), build);
    assert.equal(v.label, 'Target: airflow-worker:8');
    assert.equal(v.description, '2/3 running · 1 pending · airflow-ecs-image:build-43 #43 2222222');
    assert.match(v.tooltip, /build 43, commit 2222222bbbbb/);
    const unknown = revisionView('source', { arn: REV_7 }, undefined, build);
    assert.equal(unknown.label, 'Source: revision 4980306466373577001');
  });

  it('sorts newest first whatever order the API answers in', () => {
    const sorted = newestFirst([{ createdAt: ago(30) }, { createdAt: ago(2) }, { startedAt: ago(10) }]);
    assert.deepEqual(sorted.map((d) => (d.createdAt ?? d.startedAt)!.getTime()), [ago(2), ago(10), ago(30)].map((d) => d.getTime()));
  });
});

describe('deployments: the revision to roll back to', () => {
  const service = (over: Partial<Service>): Service => ({ serviceName: 'worker', taskDefinition: `${PREFIX}:task-definition/airflow-worker:8`, ...over });

  it('is the revision before the running one', () => {
    assert.equal(previousTaskDefinition(service({})), `${PREFIX}:task-definition/airflow-worker:7`);
  });

  it('is the older revision a deployment in progress is replacing', () => {
    const s = service({
      deployments: [
        { id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: `${PREFIX}:task-definition/airflow-worker:8` },
        { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: `${PREFIX}:task-definition/airflow-worker:5` },
      ],
    });
    assert.equal(previousTaskDefinition(s), `${PREFIX}:task-definition/airflow-worker:5`);
  });

  it('is the source of the deployment that brought the running revision, not a later one that was rolled back', () => {
    const REV_9 = `${PREFIX}:service-revision/prod/worker/4980306466373577003`;
    const revisions = new Map([...REVISIONS, [REV_9, { serviceRevisionArn: REV_9, taskDefinition: `${PREFIX}:task-definition/airflow-worker:9` }]]);
    const deployments = [
      deployment({ createdAt: ago(60), sourceServiceRevisions: [{ arn: REV_7 }], targetServiceRevision: { arn: REV_9 } }),
      deployment({ createdAt: ago(120), status: 'ROLLBACK_SUCCESSFUL', sourceServiceRevisions: [{ arn: REV_7 }], targetServiceRevision: { arn: REV_8 } }),
    ];
    const on9 = service({ taskDefinition: `${PREFIX}:task-definition/airflow-worker:9` });
    assert.equal(previousTaskDefinition(on9, deployments, revisions), `${PREFIX}:task-definition/airflow-worker:7`);
    assert.equal(previousTaskDefinition(on9), `${PREFIX}:task-definition/airflow-worker:8`, 'without deployments: the revision number before');
    // Back on 7 after a stop with rollback: the rolled-back deployment (target 8) does not count.
    const back = service({ taskDefinition: `${PREFIX}:task-definition/airflow-worker:7` });
    assert.equal(previousTaskDefinition(back, [deployment({ status: 'ROLLBACK_SUCCESSFUL' })], revisions), `${PREFIX}:task-definition/airflow-worker:6`);
  });

  it('does not exist for revision 1', () => {
    assert.equal(previousTaskDefinition(service({ taskDefinition: `${PREFIX}:task-definition/airflow-worker:1` })), undefined);
    assert.equal(previousTaskDefinition(service({ taskDefinition: undefined })), undefined);
  });
});

const TD = (revision: number, over: Partial<TaskDefinition['containerDefinitions'] extends (infer C)[] | undefined ? C : never> = {}): TaskDefinition => ({
  taskDefinitionArn: `${PREFIX}:task-definition/airflow-worker:${revision}`,
  family: 'airflow-worker', revision, status: 'ACTIVE', cpu: '1024', memory: '2048', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'],
  taskRoleArn: 'arn:aws:iam::123456789012:role/airflow-task', executionRoleArn: 'arn:aws:iam::123456789012:role/airflow-execution',
  containerDefinitions: [{
    name: 'worker', image: IMAGE(revision === 8 ? 43 : 42), essential: true, command: ['celery', 'worker'],
    environment: [{ name: 'B_VAR', value: '2' }, { name: 'A_VAR', value: '1' }],
    secrets: [{ name: 'SQL_ALCHEMY_CONN', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-Abc123' }],
    portMappings: [{ containerPort: 8793, protocol: 'tcp' }],
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-stream-prefix': 'worker', 'awslogs-group': '/ecs/airflow' } },
    ...over,
  }],
});

describe('deployments: the revision document', () => {
  it('lays a task definition out as readable text: images with builds, command, sorted environment, secret names, logging', () => {
    const text = taskDefinitionDocument(TD(8), build, revisionDigests(REVISIONS.get(REV_8)));
    assert.equal(text, [
      'Task definition airflow-worker:8',
      '  Status: ACTIVE',
      '  CPU / memory: 1024 / 2048',
      '  Network mode: awsvpc',
      '  Compatibilities: FARGATE',
      '  Task role: airflow-task',
      '  Execution role: airflow-execution',
      '',
      'Container worker',
      `  Image: ${IMAGE(43)}`,
      '  Image digest: sha256:bbb',
      '  Build: build 43, commit 2222222bbbbbbb',
      '  Essential: yes',
      '  Entry point: -',
      '  Command: celery worker',
      '  CPU / memory: - / -',
      '  Ports: 8793/tcp',
      '  Environment:',
      '    A_VAR=1',
      '    B_VAR=2',
      '  Secrets (names only):',
      '    SQL_ALCHEMY_CONN',
      '  Log configuration: awslogs',
      '    awslogs-group=/ecs/airflow',
      '    awslogs-stream-prefix=worker',
      '',
    ].join('\n'));
  });

  it('never shows where a secret comes from, and says when the build is not known', () => {
    const text = taskDefinitionDocument(TD(7, { environment: [], secrets: [] }), build);
    assert.doesNotMatch(text, /secretsmanager/);
    assert.match(text, /Build: unknown \(no image labels cached\)/);
    assert.match(text, /Environment: -\n/);
    assert.match(text, /Secrets \(names only\): -\n/);
  });

  it('the modal names each container\'s image and build', () => {
    const td = TD(8);
    const withDigest = (c: Container) => build({ ...c, imageDigest: 'sha256:bbb' });
    assert.equal(imagesLine(td, withDigest), 'worker: airflow-ecs-image:build-43 (build 43, 2222222)');
    assert.equal(imagesLine(td, () => ({})), 'worker: airflow-ecs-image:build-43');
  });
});
