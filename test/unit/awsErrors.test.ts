import * as assert from 'node:assert/strict';
import { AwsProblem, toAwsProblem } from '../../src/core/aws/errors';
import { validateEndpoint } from '../../src/core/aws/connection';

function sdkError(name: string, message: string, extra: object = {}) {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('toAwsProblem', () => {
  it('names the IAM action from the denial message, else the call', () => {
    const p = toAwsProblem(sdkError('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized to perform: ecs:ListTasks on resource: *'), 'ecs:DescribeTasks');
    assert.equal(p.kind, 'accessDenied');
    assert.equal(p.action, 'ecs:ListTasks');
    assert.match(p.message, /ecs:ListTasks/);
    assert.equal(toAwsProblem(sdkError('AccessDeniedException', 'denied'), 'ecs:StopTask').action, 'ecs:StopTask');
  });

  it('tells missing credentials from an expired SSO session', () => {
    assert.equal(toAwsProblem(sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), 'ecs:ListClusters').kind, 'noCredentials');
    assert.equal(toAwsProblem(sdkError('TokenProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login'), 'ecs:ListClusters').kind, 'ssoExpired');
  });

  it('classifies throttling, not-found, network and abort', () => {
    assert.equal(toAwsProblem(sdkError('ThrottlingException', 'Rate exceeded'), 'ecs:ListTasks').kind, 'throttled');
    assert.equal(toAwsProblem(sdkError('ClusterNotFoundException', 'Cluster not found.'), 'ecs:ListServices').kind, 'notFound');
    const net = toAwsProblem(sdkError('Error', 'connect ECONNREFUSED', { cause: { code: 'ECONNREFUSED' } }), 'ecs:ListClusters', 'http://localhost:4566');
    assert.equal(net.kind, 'network');
    assert.match(net.message, /localhost:4566/);
    assert.equal(toAwsProblem(sdkError('AbortError', 'aborted'), 'ecs:ListTasks').kind, 'aborted');
  });

  it('keeps other messages with the call that failed, and passes AwsProblems through', () => {
    const p = toAwsProblem(sdkError('InvalidParameterException', 'Bad input'), 'ecs:UpdateService');
    assert.equal(p.kind, 'other');
    assert.equal(p.message, 'ecs:UpdateService failed: Bad input');
    const same = new AwsProblem('notFound', 'x');
    assert.equal(toAwsProblem(same, 'a'), same);
  });
});

describe('validateEndpoint', () => {
  it('accepts http(s) URLs and explains anything else', () => {
    assert.equal(validateEndpoint(''), undefined);
    assert.equal(validateEndpoint('http://localhost:4566'), undefined);
    assert.match(validateEndpoint('localhost:4566') ?? '', /http:\/\/ or https:\/\//);
    assert.match(validateEndpoint('not a url') ?? '', /not a valid URL/);
  });
});
