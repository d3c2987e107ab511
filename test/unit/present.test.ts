import * as assert from 'node:assert/strict';
import type { Service, Task } from '@aws-sdk/client-ecs';
import {
  clusterView, consoleUrl, containerView, deploymentState, recentlyStopped, relativeTime, serviceView, shortTaskId,
  taskDefinitionName, taskView, validateDesiredCount,
} from '../../src/core/ecs/present';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const ago = (minutes: number) => new Date(NOW - minutes * 60_000);
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef';

describe('present: relative times', () => {
  it('uses minute granularity so labels do not tick every second', () => {
    assert.equal(relativeTime(ago(0.2), NOW), 'less than a minute ago');
    assert.equal(relativeTime(ago(0.9), NOW), 'less than a minute ago');
    assert.equal(relativeTime(ago(5), NOW), '5 min ago');
    assert.equal(relativeTime(ago(125), NOW), '2 h ago');
    assert.equal(relativeTime(ago(60 * 49), NOW), '2 d ago');
    assert.equal(relativeTime(undefined, NOW), '');
  });
});

describe('present: clusters', () => {
  it('shows service and task counts, capacity providers in the tooltip', () => {
    const v = clusterView({ clusterName: 'airflow-prod', status: 'ACTIVE', activeServicesCount: 5, runningTasksCount: 12, pendingTasksCount: 1, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] });
    assert.equal(v.label, 'airflow-prod');
    assert.equal(v.description, '5 services · 12 running · 1 pending');
    assert.match(v.tooltip, /FARGATE, FARGATE\\_SPOT/);
    assert.equal(v.tone, 'ok');
  });
});

describe('present: services and deployments', () => {
  const base: Service = {
    serviceName: 'worker', status: 'ACTIVE', desiredCount: 3, runningCount: 3, pendingCount: 0, launchType: 'FARGATE',
    taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/airflow-worker:12',
    deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 3, runningCount: 3 }],
    events: [{ createdAt: ago(3), message: 'service worker was unable to place a task because no container instance met all of its requirements.' }],
  };

  it('describes counts, launch type and task definition', () => {
    const v = serviceView(base, NOW);
    assert.equal(v.description, '3/3 running · FARGATE · airflow-worker:12');
    assert.equal(v.tone, 'ok');
    assert.match(v.tooltip, /unable to place a task/);
    assert.match(v.tooltip, /3 min ago/);
  });

  it('tells in progress, failed and circuit-breaker rolled back apart', () => {
    assert.equal(deploymentState(base), 'completed');
    assert.equal(deploymentState({ deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', desiredCount: 3, runningCount: 1 }, { status: 'ACTIVE' }] }), 'in progress');
    assert.equal(deploymentState({ deployments: [{ status: 'PRIMARY', rolloutState: 'FAILED' }] }), 'failed');
    assert.equal(deploymentState({
      deployments: [
        { status: 'PRIMARY', rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1' },
        { status: 'ACTIVE', rolloutState: 'FAILED' },
      ],
    }), 'rolled back');
    const failed = serviceView({ ...base, deployments: [{ status: 'PRIMARY', rolloutState: 'FAILED' }] }, NOW);
    assert.equal(failed.tone, 'error');
    assert.match(failed.description, /failed$/);
  });

  it('warns when fewer tasks run than desired', () => {
    assert.equal(serviceView({ ...base, runningCount: 1 }, NOW).tone, 'warning');
    assert.equal(serviceView({ ...base, pendingCount: 2 }, NOW).tone, 'progress');
  });
});

describe('present: tasks and containers', () => {
  const running: Task = {
    taskArn: TASK_ARN, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', healthStatus: 'HEALTHY',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/airflow-worker:12', startedAt: ago(42), availabilityZone: 'us-east-1b',
  };

  it('labels a task by its short id with status, health, revision, age and AZ', () => {
    const v = taskView(running, NOW);
    assert.equal(v.label, '01234567');
    assert.equal(v.description, 'RUNNING · HEALTHY · airflow-worker:12 · started 42 min ago · us-east-1b');
    assert.equal(v.tone, 'ok');
  });

  it('shows the stop code and reason of a stopped task, and failure as an error', () => {
    const stopped: Task = { ...running, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', healthStatus: 'UNKNOWN', stoppedAt: ago(7), stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' };
    const v = taskView(stopped, NOW);
    assert.match(v.description, /stopped 7 min ago/);
    assert.match(v.description, /EssentialContainerExited/);
    assert.match(v.tooltip, /Essential container in task exited/);
    assert.equal(v.tone, 'error');
    assert.equal(taskView({ ...stopped, stopCode: 'UserInitiated', containers: [{ exitCode: 137 }] }, NOW).tone, 'inactive');
    assert.equal(taskView({ ...stopped, stopCode: undefined, containers: [{ exitCode: 1 }] }, NOW).tone, 'error');
  });

  it('marks a task on its way down', () => {
    assert.equal(taskView({ ...running, desiredStatus: 'STOPPED' }, NOW).description.startsWith('RUNNING → STOPPED'), true);
  });

  it('shows a container image, exit code, reason and health', () => {
    const v = containerView({ name: 'worker', image: 'repo/airflow:42', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' });
    assert.equal(v.description, 'STOPPED · exit 137 · repo/airflow:42');
    assert.match(v.tooltip, /OutOfMemoryError/);
    assert.equal(v.tone, 'error');
  });

  it('keeps tasks stopped within the last hour, newest first', () => {
    const tasks: Task[] = [
      { taskArn: 'a', stoppedAt: ago(70) },
      { taskArn: 'b', stoppedAt: ago(5) },
      { taskArn: 'c', stoppedAt: ago(30) },
    ];
    assert.deepEqual(recentlyStopped(tasks, NOW).map((t) => t.taskArn), ['b', 'c']);
  });

  it('names task definitions and short ids from ARNs', () => {
    assert.equal(taskDefinitionName('arn:aws:ecs:us-east-1:1:task-definition/airflow-worker:12'), 'airflow-worker:12');
    assert.equal(shortTaskId(TASK_ARN), '01234567');
  });
});

describe('present: console URLs', () => {
  it('builds regional console URLs per partition', () => {
    assert.equal(consoleUrl('eu-west-1', { kind: 'cluster', cluster: 'prod' }), 'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services?region=eu-west-1');
    assert.equal(consoleUrl('us-east-1', { kind: 'service', cluster: 'prod', service: 'worker' }), 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/worker/health?region=us-east-1');
    assert.equal(consoleUrl('us-east-1', { kind: 'task', cluster: 'prod', taskArn: TASK_ARN }), 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/0123456789abcdef0123456789abcdef/configuration?region=us-east-1');
    assert.match(consoleUrl('cn-north-1', { kind: 'cluster', cluster: 'x' }), /^https:\/\/cn-north-1\.console\.amazonaws\.cn\//);
    assert.match(consoleUrl('us-gov-west-1', { kind: 'cluster', cluster: 'x' }), /^https:\/\/console\.amazonaws-us-gov\.com\//);
  });
});

describe('present: scale input', () => {
  it('accepts whole numbers and explains anything else', () => {
    assert.equal(validateDesiredCount('4'), undefined);
    assert.equal(validateDesiredCount(' 0 '), undefined);
    assert.match(validateDesiredCount('-1') ?? '', /whole number/);
    assert.match(validateDesiredCount('2.5') ?? '', /whole number/);
    assert.match(validateDesiredCount('abc') ?? '', /whole number/);
    assert.match(validateDesiredCount('6000') ?? '', /5,000/);
  });
});
