import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectionLabel, listProfiles, resolveConnection, summarizeConnection, type ProfileInfo } from '../../src/core/aws/connection';
import { clientOptions } from '../../src/core/aws/clients';
import { AwsProblem } from '../../src/core/aws/errors';
import { withAwsProfileFiles } from '../support/awsProfiles';

const NONE = { profile: '', region: '', endpoint: '' };
const DEFAULT: ProfileInfo = { name: 'default', region: 'eu-central-1', kind: 'keys' };
const SSO: ProfileInfo = { name: 'sso-dev', region: 'eu-west-1', kind: 'sso' };

describe('summarizeConnection: where credentials and the region come from', () => {
  it('with no profile chosen, names the provider of the default chain that will answer', () => {
    const keys = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };
    assert.deepEqual(summarizeConnection(NONE, { ...keys, AWS_REGION: 'eu-west-1' }, []), { source: 'env', region: 'eu-west-1' });
    // The chain prefers AWS_PROFILE over keys in the environment.
    assert.equal(summarizeConnection(NONE, { ...keys, AWS_PROFILE: 'sso-dev' }, [SSO]).source, 'sso-dev');
    assert.equal(summarizeConnection(NONE, {}, [DEFAULT]).source, 'default');
    assert.equal(summarizeConnection(NONE, { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' }, []).source, 'web identity');
    assert.equal(summarizeConnection(NONE, { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' }, []).source, 'container role');
    assert.equal(summarizeConnection(NONE, {}, []).source, 'default chain');
  });

  it('never narrows the SDK to a profile that was not chosen', () => {
    assert.equal(summarizeConnection(NONE, { AWS_PROFILE: 'sso-dev' }, [SSO]).profile, undefined);
    assert.equal(summarizeConnection(NONE, {}, [DEFAULT]).profile, undefined);
    assert.equal(summarizeConnection({ ...NONE, profile: 'sso-dev' }, {}, [SSO]).profile, 'sso-dev');
  });

  it('takes the region from the setting, the chosen profile, the environment, then the profile the chain reads', () => {
    assert.equal(summarizeConnection({ ...NONE, region: 'us-west-2' }, { AWS_REGION: 'eu-west-1' }, [DEFAULT]).region, 'us-west-2');
    assert.equal(summarizeConnection({ ...NONE, profile: 'sso-dev' }, { AWS_REGION: 'us-east-2' }, [SSO]).region, 'eu-west-1');
    assert.equal(summarizeConnection(NONE, { AWS_DEFAULT_REGION: 'ap-south-1' }, [DEFAULT]).region, 'ap-south-1');
    assert.equal(summarizeConnection(NONE, { AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'ap-south-1' }, []).region, 'eu-west-3');
    assert.equal(summarizeConnection(NONE, {}, [DEFAULT]).region, 'eu-central-1');
    assert.equal(summarizeConnection(NONE, { AWS_PROFILE: 'sso-dev' }, [DEFAULT, SSO]).region, 'eu-west-1');
    assert.equal(summarizeConnection(NONE, {}, []).region, undefined);
  });

  it('labels views with source and region', () => {
    assert.equal(connectionLabel({ source: 'env', region: 'eu-west-1' }), 'env @ eu-west-1');
    assert.equal(connectionLabel({ source: 'sso-dev', profile: 'sso-dev', region: 'eu-west-1' }), 'sso-dev @ eu-west-1');
    assert.equal(connectionLabel({ source: 'env' }), 'env · no region');
  });
});

describe('resolveConnection against real profile files', () => {
  let restore: () => void;
  beforeEach(() => { restore = withAwsProfileFiles(); });
  afterEach(() => restore());

  it('resolves environment-only credentials with no profile, and builds clients without a profile option', async () => {
    const conn = await resolveConnection(NONE, { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1' });
    assert.deepEqual(conn, { profile: undefined, source: 'env', region: 'eu-west-1', endpoint: undefined });
    assert.ok(!('profile' in clientOptions(conn)), 'the SDK chain stays unmodified');
    assert.equal(clientOptions(await resolveConnection({ ...NONE, profile: 'test' }, {})).profile, 'test');
  });

  it('says which setting is missing: the region, a chosen profile that does not exist', async () => {
    await assert.rejects(resolveConnection(NONE, {}), (err: unknown) => err instanceof AwsProblem && err.kind === 'noRegion');
    await assert.rejects(resolveConnection({ ...NONE, profile: 'nope', region: 'us-east-1' }, {}), (err: unknown) => err instanceof AwsProblem && err.kind === 'unknownProfile' && /"nope"/.test(err.message));
    await assert.rejects(resolveConnection({ ...NONE, region: 'us-east-1', endpoint: 'localhost:4566' }, {}), (err: unknown) => err instanceof AwsProblem && err.kind === 'invalidEndpoint');
  });

  it('lists profiles, not the sso-session sections of the config file', async () => {
    assert.deepEqual((await listProfiles()).map((p) => p.name), ['sso-user', 'test']);
  });

  it('works with no AWS files at all', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-aws-'));
    const saved = { c: process.env.AWS_CONFIG_FILE, k: process.env.AWS_SHARED_CREDENTIALS_FILE };
    process.env.AWS_CONFIG_FILE = path.join(empty, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(empty, 'credentials');
    try {
      const conn = await resolveConnection(NONE, { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_DEFAULT_REGION: 'eu-west-1' });
      assert.equal(connectionLabel(conn), 'env @ eu-west-1');
    } finally {
      process.env.AWS_CONFIG_FILE = saved.c;
      process.env.AWS_SHARED_CREDENTIALS_FILE = saved.k;
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
