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

/** What the SDK throws when the body is not AWS's JSON: a SyntaxError with the raw response hidden on it. */
function undeserializable(body: string, status: number, contentType: string) {
  let message: string;
  try {
    JSON.parse(body);
    message = '';
  } catch (err) {
    message = (err as Error).message;
  }
  const err = new SyntaxError(`${message}\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`);
  Object.defineProperty(err, '$response', { value: { statusCode: status, headers: { 'content-type': contentType } }, enumerable: false });
  return Object.assign(err, { $metadata: { httpStatusCode: status } });
}

describe('toAwsProblem: answers that are not AWS responses', () => {
  const RAW = /Unexpected token|Deserialization|\$response|is not valid JSON/;

  it('says an HTML page came back from the endpoint, and what to check', () => {
    const p = toAwsProblem(undeserializable('<!doctype html><html>Bad gateway</html>', 502, 'text/html; charset=utf-8'), 'ecr:BatchGetImage', 'http://127.0.0.1:4566');
    assert.equal(p.kind, 'badResponse');
    assert.equal(p.message, 'The endpoint http://127.0.0.1:4566 answered ecr:BatchGetImage with an HTML page (HTTP 502), not an AWS response: check the endpoint URL setting (airflowEcs.aws.endpointUrl).');
  });

  it('names a proxy for real AWS, and other non-JSON answers by their type', () => {
    const proxy = toAwsProblem(undeserializable('<html>Login to the Wi-Fi</html>', 200, 'text/html'), 'ecs:ListClusters');
    assert.match(proxy.message, /^AWS answered ecs:ListClusters with an HTML page \(HTTP 200\), not an AWS response: a proxy/);
    const text = toAwsProblem(undeserializable('upstream connect error', 503, 'text/plain'), 'logs:FilterLogEvents', 'http://emu');
    assert.match(text.message, /answered logs:FilterLogEvents with a text\/plain answer \(HTTP 503\)/);
    for (const p of [proxy, text]) assert.doesNotMatch(p.message, RAW);
  });

  it('says an emulator lacks an operation', () => {
    const p = toAwsProblem(sdkError('UnknownOperationException', 'The fake does not implement X'), 'ecs:ListServiceDeployments', 'http://localhost:4566');
    assert.equal(p.kind, 'unsupported');
    assert.match(p.message, /^The endpoint http:\/\/localhost:4566 does not support ecs:ListServiceDeployments/);
  });

  it('never lets the SDK\'s deserialization hint into a sentence', () => {
    const err = sdkError('TypeError', 'Cannot read properties of undefined (reading \'builds\')\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.');
    Object.defineProperty(err, '$response', { value: { statusCode: 200, headers: { 'Content-Type': 'application/x-amz-json-1.1' } } });
    const p = toAwsProblem(err, 'codebuild:BatchGetBuilds', 'http://emu');
    assert.equal(p.message, 'The endpoint http://emu answered codebuild:BatchGetBuilds with an answer the AWS SDK could not read (HTTP 200), not an AWS response: check the endpoint URL setting (airflowEcs.aws.endpointUrl).');
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
