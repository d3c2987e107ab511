import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCodeBuildApi } from '../../src/core/aws/codebuild';
import { connectionLabel, resolveConnection, type AwsConnection } from '../../src/core/aws/connection';
import { createEcrApi } from '../../src/core/aws/ecr';
import { createEcsApi } from '../../src/core/aws/ecs';
import { AwsProblem } from '../../src/core/aws/errors';
import { createLogsApi } from '../../src/core/aws/logs';
import { silentLogger } from '../../src/core/log';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import type { FakeEcs } from '../support/fakeAws/ecs';

const RAW = /Unexpected token|Deserialization|\$response|is not valid JSON/;

/** Runs `body` with only these AWS variables in the environment and no AWS files. */
async function withOnlyEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-aws-files-'));
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, { AWS_CONFIG_FILE: path.join(empty, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(empty, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true' }, vars);
  try {
    return await body();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

describe('AWS as users configure it, against the local endpoint (real SDK)', () => {
  let aws: FakeAws;
  let ecs: FakeEcs;
  before(async () => ({ aws, ecs } = await startFakeAws()));
  after(() => aws.close());
  beforeEach(() => aws.reset());

  it('signs with environment credentials and no profile when no AWS files exist', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [] }]);
    const arns = await withOnlyEnv({ AWS_ACCESS_KEY_ID: 'AKIDENVONLY', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' }, async () => {
      const conn = await resolveConnection({ profile: '', region: '', endpoint: aws.url });
      assert.equal(connectionLabel(conn), 'env @ eu-west-1');
      return createEcsApi(conn, silentLogger).listClusterArns();
    });
    assert.equal(arns.length, 1);
  });

  it('says in words when the endpoint answers an HTML page, for ECS, ECR, CodeBuild and CloudWatch Logs', async () => {
    const conn: AwsConnection = { source: 'env', region: 'us-east-1', endpoint: aws.url };
    const calls: [string, () => Promise<unknown>][] = [
      ['ecs:ListClusters', () => withOnlyEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, () => createEcsApi(conn, silentLogger).listClusterArns())],
      ['ecr:BatchGetImage', () => withOnlyEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, () => createEcrApi(conn, silentLogger).getManifest('airflow', 'sha256:0'))],
      ['codebuild:ListBuildsForProject', () => withOnlyEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, () => createCodeBuildApi(conn, silentLogger).listBuildIds('dags', 10))],
      ['logs:FilterLogEvents', () => withOnlyEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, () => createLogsApi(conn, silentLogger).filterLogEvents({ group: '/ecs/airflow', startTime: 0 }))],
    ];
    for (const [action, call] of calls) {
      aws.injectFault({ operation: '*', kind: 'html', status: 200, count: 1 });
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof AwsProblem, `${action}: ${String(err)}`);
        assert.equal(err.kind, 'badResponse');
        assert.equal(err.message, `The endpoint ${aws.url} answered ${action} with an HTML page (HTTP 200), not an AWS response: check the endpoint URL setting (airflowEcs.aws.endpointUrl).`);
        assert.doesNotMatch(err.message, RAW);
        return true;
      });
    }
  });

  it('retries a proxy\'s 502 page like any 5xx, then says what came back', async () => {
    aws.injectFault({ operation: 'ListClusters', kind: 'html', count: 10 });
    const conn: AwsConnection = { source: 'env', region: 'us-east-1', endpoint: aws.url };
    await assert.rejects(
      withOnlyEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, () => createEcsApi(conn, silentLogger).listClusterArns()),
      (err: unknown) => err instanceof AwsProblem && /answered ecs:ListClusters with an HTML page \(HTTP 502\)/.test(err.message),
    );
    assert.ok(aws.countCalls('ListClusters') > 1, 'the SDK retried the 502');
  });
});
