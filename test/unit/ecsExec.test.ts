import * as assert from 'node:assert/strict';
import { airflowRole } from '../../src/core/airflow/roles';
import type { Container, Task } from '../../src/core/aws/ecs';
import {
  defaultRemotePort, ExecProblem, execReadiness, execTarget, forwardingContainer, pluginArgs, pluginTakesEnvResponse,
  portForwardRequest, sessionFailure, validatePort,
} from '../../src/core/ecs/exec';

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/airflow-prod';
const TASK_ID = '0123456789abcdef0123456789abcdef';
const TASK = `arn:aws:ecs:eu-west-1:123456789012:task/airflow-prod/${TASK_ID}`;

function container(name: string, agent?: string, runtimeId = `${TASK_ID}-1234567890`): Container {
  return { name, lastStatus: 'RUNNING', runtimeId, managedAgents: agent ? [{ name: 'ExecuteCommandAgent', lastStatus: agent }] : undefined };
}

function task(over: Partial<Task> = {}): Task {
  return { taskArn: TASK, clusterArn: CLUSTER, lastStatus: 'RUNNING', enableExecuteCommand: true, containers: [container('api-server', 'RUNNING')], ...over };
}

describe('ECS Exec and port forwarding: the session plugin contract', () => {
  it('names the SSM target as the AWS CLI builds it: ecs:<cluster name>_<task id>_<runtime id>', () => {
    assert.equal(execTarget(CLUSTER, TASK, `${TASK_ID}-1234567890`), `ecs:airflow-prod_${TASK_ID}_${TASK_ID}-1234567890`);
  });

  it('passes the plugin its six arguments in the AWS CLI order, an empty profile for the default chain', () => {
    const request = { Target: 'ecs:c_t_r' };
    assert.deepEqual(
      pluginArgs({ session: '{"sessionId":"s"}', region: 'eu-west-1', profile: 'prod', request, endpoint: 'https://ecs.eu-west-1.amazonaws.com' }),
      ['{"sessionId":"s"}', 'eu-west-1', 'StartSession', 'prod', '{"Target":"ecs:c_t_r"}', 'https://ecs.eu-west-1.amazonaws.com'],
    );
    assert.equal(pluginArgs({ session: 'AWS_SSM_START_SESSION_RESPONSE', region: 'eu-west-1', request, endpoint: 'e' })[3], '');
  });

  it('hands the session over in AWS_SSM_START_SESSION_RESPONSE only to plugins newer than 1.2.497.0, as the CLI decides', () => {
    assert.equal(pluginTakesEnvResponse('1.2.707.0\n'), true);
    assert.equal(pluginTakesEnvResponse('1.2.498'), true);
    assert.equal(pluginTakesEnvResponse('1.3'), true);
    assert.equal(pluginTakesEnvResponse('1.2.497.0'), false);
    assert.equal(pluginTakesEnvResponse('1.2.463.0'), false);
    assert.equal(pluginTakesEnvResponse('not a version'), false);
    assert.equal(pluginTakesEnvResponse(''), false);
  });

  it('asks for AWS-StartPortForwardingSessionToRemoteHost with host, portNumber and localPortNumber as string lists', () => {
    assert.deepEqual(portForwardRequest('ecs:c_t_r', 'localhost', 8080, 18080), {
      Target: 'ecs:c_t_r',
      DocumentName: 'AWS-StartPortForwardingSessionToRemoteHost',
      Parameters: { host: ['localhost'], portNumber: ['8080'], localPortNumber: ['18080'] },
    });
  });
});

describe('ECS Exec readiness and refusals in words', () => {
  it('lets a running task with exec on and a running agent through', () => {
    assert.equal(execReadiness(task(), container('api-server', 'RUNNING')), undefined);
  });

  it('says a task started without enableExecuteCommand was', () => {
    const problem = execReadiness(task({ enableExecuteCommand: false }), container('api-server'));
    assert.ok(problem instanceof ExecProblem);
    assert.equal(problem.reason, 'notEnabled');
    assert.equal(problem.message, `Task ${TASK_ID.slice(0, 8)} was started without ECS Exec (enableExecuteCommand is off), so nothing can open a session into it.`);
  });

  it('says the agent is not running yet, and to wait', () => {
    const pending = execReadiness(task(), container('api-server', 'PENDING'));
    assert.equal(pending?.reason, 'agentNotRunning');
    assert.match(pending!.message, /ECS Exec agent in container api-server of task \w+ is pending, not running yet: wait a minute after the task starts and try again\./);
    assert.equal(execReadiness(task(), container('api-server', 'RUNNING', ''))?.reason, 'agentNotRunning', 'no runtime id yet');
    assert.equal(execReadiness(task(), { name: 'x', runtimeId: 'r' })?.reason, 'agentNotRunning', 'no agent reported');
  });

  it('says a task that is not running is not', () => {
    const problem = execReadiness(task({ lastStatus: 'PROVISIONING' }), container('api-server', 'RUNNING'));
    assert.equal(problem?.reason, 'notRunning');
    assert.match(problem!.message, /is provisioning: a shell or a forwarded port needs a running task\./);
  });

  it('turns TargetNotConnected (ECS and SSM spellings) into a sentence with the checks to make', () => {
    for (const name of ['TargetNotConnectedException', 'TargetNotConnected']) {
      const problem = sessionFailure({ name, message: 'The execute command failed due to an internal error. Try again later.' }, 'abc');
      assert.equal(problem?.reason, 'targetNotConnected', name);
      assert.match(problem!.message, /managed agent of task abc is not connected to Systems Manager .* ssmmessages permissions .* amazon-ecs-exec-checker/);
    }
  });

  it("reads ECS's InvalidParameterException about exec as the agent not being ready; other answers are left alone", () => {
    const text = 'The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again.';
    assert.equal(sessionFailure({ name: 'InvalidParameterException', message: text }, 'abc')?.reason, 'agentNotRunning');
    assert.equal(sessionFailure({ name: 'InvalidParameterException', message: 'The container name provided in the request was not found.' }, 'abc'), undefined);
    assert.equal(sessionFailure({ name: 'AccessDeniedException', message: 'denied' }, 'abc'), undefined);
    assert.equal(sessionFailure(undefined, 'abc'), undefined);
  });
});

describe('port forwarding defaults', () => {
  it("defaults to the api-server's or webserver's 8080 and Flower's 5555", () => {
    assert.equal(defaultRemotePort('api-server'), 8080);
    assert.equal(defaultRemotePort('webserver'), 8080);
    assert.equal(defaultRemotePort('flower'), 5555);
    assert.equal(defaultRemotePort('scheduler'), undefined);
    assert.equal(defaultRemotePort(undefined), undefined);
  });

  it('accepts ports 1 to 65535 only', () => {
    assert.equal(validatePort('8080'), undefined);
    assert.equal(validatePort(' 1 '), undefined);
    for (const bad of ['0', '65536', '80.5', 'abc', '', '-1']) assert.equal(validatePort(bad), 'Enter a port number from 1 to 65535.', bad);
  });

  it('forwards through the container serving the UI, else the first with a running agent', () => {
    const sidecar = container('log-router', 'RUNNING');
    const ui = container('airflow-apiserver', 'RUNNING');
    assert.equal(forwardingContainer(task({ containers: [sidecar, ui] }), (n) => airflowRole(n))?.name, 'airflow-apiserver');
    assert.equal(forwardingContainer(task({ containers: [container('a', 'PENDING'), sidecar] }), (n) => airflowRole(n))?.name, 'log-router');
    assert.equal(forwardingContainer(task({ containers: [] }), (n) => airflowRole(n)), undefined);
  });
});
