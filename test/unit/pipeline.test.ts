import * as assert from 'node:assert/strict';
import type { Build, CodeBuildApi } from '../../src/core/aws/codebuild';
import {
  buildConsoleUrl, buildView, currentPhase, failureReason, formatEnvironment, isDone, looksSecret, outcome, parseEnvironment, phaseView, type EnvironmentOverride,
} from '../../src/core/pipeline/buildModel';
import { BuildWatcher, type WatcherTiming } from '../../src/core/pipeline/buildWatcher';
import { silentLogger } from '../../src/core/log';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000);

const gateFailure: Build = {
  id: 'dags:1', arn: 'arn:aws:codebuild:eu-west-1:123456789012:build/dags:1', buildNumber: 12, projectName: 'dags',
  buildStatus: 'FAILED', buildComplete: true, resolvedSourceVersion: 'abcdef1234567890', initiator: 'arn:aws:sts::1:assumed-role/DE/alice',
  startTime: at(5), endTime: at(2),
  phases: [
    { phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED' },
    { phaseType: 'BUILD', phaseStatus: 'FAILED', contexts: [{ message: 'Quality gate failed: new_security_rating E (threshold A)' }], startTime: at(4), endTime: at(3) },
    { phaseType: 'FINALIZING', phaseStatus: 'SUCCEEDED' },
    { phaseType: 'COMPLETED' },
  ],
};

describe('pipeline: build model', () => {
  it('names the failing phase and its context message', () => {
    assert.equal(outcome(gateFailure), 'failed');
    assert.ok(isDone(gateFailure));
    assert.equal(failureReason(gateFailure), 'BUILD failed: Quality gate failed: new_security_rating E (threshold A)');
    assert.equal(currentPhase(gateFailure)?.phaseType, 'BUILD');
  });

  it('describes a build with number, commit, subject, initiator, age and duration', () => {
    const v = buildView(gateFailure, NOW, 'Add the orders DAG');
    assert.equal(v.label, '#12');
    assert.equal(v.description, 'failed · abcdef1 Add the orders DAG · alice · 5 min ago · 3 min 0 s');
    assert.equal(v.tone, 'error');
    assert.match(v.tooltip, /new_security_rating E/);
  });

  it('shows the running phase of a build in progress', () => {
    const running: Build = { buildNumber: 3, buildStatus: 'IN_PROGRESS', phases: [{ phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED' }, { phaseType: 'INSTALL' }] };
    assert.equal(outcome(running), 'running');
    assert.match(buildView(running, NOW).description, /^INSTALL…/);
    assert.equal(phaseView({ phaseType: 'INSTALL' }, NOW).tone, 'progress');
    assert.equal(phaseView(gateFailure.phases![1], NOW).description, 'failed · 1 min 0 s · Quality gate failed: new_security_rating E (threshold A)');
  });

  it('links the build on its regional console page', () => {
    assert.equal(buildConsoleUrl('eu-west-1', gateFailure), 'https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/dags/build/dags%3A1/?region=eu-west-1');
  });

  it('parses environment overrides and explains bad ones', () => {
    assert.deepEqual(parseEnvironment(''), []);
    assert.deepEqual(parseEnvironment('SONAR_BRANCH=main; DRY_RUN = 1'), [{ name: 'SONAR_BRANCH', value: 'main', type: 'PLAINTEXT' }, { name: 'DRY_RUN', value: '1', type: 'PLAINTEXT' }]);
    assert.deepEqual(parseEnvironment('URL=a=b'), [{ name: 'URL', value: 'a=b', type: 'PLAINTEXT' }]);
    assert.match(String(parseEnvironment('1BAD=x')), /not NAME=value/);
    assert.match(String(parseEnvironment('novalue')), /not NAME=value/);
  });

  it('reads ssm: and secret: values as Parameter Store and Secrets Manager references, and writes them back', () => {
    const text = 'DB_PASSWORD=ssm:/airflow/db/password; SONAR_TOKEN = secret:arn:aws:secretsmanager:eu-west-1:123456789012:secret:sonar-AbCdEf; DRY_RUN=1';
    const parsed = parseEnvironment(text);
    assert.deepEqual(parsed, [
      { name: 'DB_PASSWORD', value: '/airflow/db/password', type: 'PARAMETER_STORE' },
      { name: 'SONAR_TOKEN', value: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sonar-AbCdEf', type: 'SECRETS_MANAGER' },
      { name: 'DRY_RUN', value: '1', type: 'PLAINTEXT' },
    ]);
    assert.equal(formatEnvironment(parsed as EnvironmentOverride[]), 'DB_PASSWORD=ssm:/airflow/db/password; SONAR_TOKEN=secret:arn:aws:secretsmanager:eu-west-1:123456789012:secret:sonar-AbCdEf; DRY_RUN=1');
    assert.match(String(parseEnvironment('DB_PASSWORD=ssm:')), /DB_PASSWORD=ssm: needs the parameter name/);
    assert.match(String(parseEnvironment('X=secret: ')), /X=secret: needs the secret ARN or name/);
  });

  it('tells a PLAINTEXT secret by its name or its value, and never a reference or a commit sha', () => {
    const plain = (name: string, value: string): EnvironmentOverride => ({ name, value, type: 'PLAINTEXT' });
    for (const name of ['DB_PASSWORD', 'AWS_SECRET_ACCESS_KEY', 'SONAR_TOKEN', 'api_key', 'GIT_CREDENTIALS']) assert.ok(looksSecret(plain(name, 'x')), name);
    for (const value of [
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhaXJmbG93In0.c2lnbmF0dXJl', // JWT
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'squ_0123456789abcdef0123456789abcdef01234567',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      '-----BEGIN RSA PRIVATE KEY-----',
    ]) assert.ok(looksSecret(plain('VALUE', value)), value);
    for (const e of [
      plain('SOURCE_VERSION', '4f2a9c1e0b7d3a6f5e8c9b0a1d2e3f4a5b6c7d8e'),
      plain('DRY_RUN', '1'),
      plain('SONAR_BRANCH', 'feature/new-dag'),
      plain('IMAGE_URI', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/airflow:build-7'),
      { name: 'DB_PASSWORD', value: '/airflow/db/password', type: 'PARAMETER_STORE' as const },
      { name: 'SONAR_TOKEN', value: 'arn:aws:secretsmanager:eu-west-1:1:secret:s', type: 'SECRETS_MANAGER' as const },
    ]) assert.equal(looksSecret(e), false, `${e.name}=${e.value}`);
  });
});

/** A CodeBuild whose builds advance one phase every `phaseMs` of virtual time. */
function virtualCodeBuild(phaseMs: number, phases = 4) {
  let clock = 0;
  const started = new Map<string, number>();
  const calls: string[][] = [];
  const api = {
    getBuilds: async (ids: string[]) => {
      calls.push(ids);
      return ids.map((id) => {
        const step = Math.floor((clock - (started.get(id) ?? 0)) / phaseMs);
        const done = step >= phases;
        return {
          id, buildStatus: done ? 'SUCCEEDED' : 'IN_PROGRESS', buildComplete: done,
          phases: Array.from({ length: Math.min(step, phases) + 1 }, (_, i) => ({ phaseType: `P${i}`, phaseStatus: i < step ? 'SUCCEEDED' : undefined })),
        } as unknown as Build;
      });
    },
  } as unknown as CodeBuildApi;
  const timing: WatcherTiming = { minMs: 2000, maxMs: 10_000, sleep: async (ms) => { clock += ms; await Promise.resolve(); } };
  return { api, timing, calls, start: (id: string) => started.set(id, clock), now: () => clock };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(check(), 'condition not reached');
}

describe('pipeline: BuildWatcher', () => {
  it('reads every watched build in one call per round and reports each change once', async () => {
    const cb = virtualCodeBuild(5000);
    const changes: string[] = [];
    const done: string[] = [];
    const watcher = new BuildWatcher(async () => cb.api, (b) => changes.push(`${b.id}:${b.phases?.length}`), (b) => done.push(b.id!), silentLogger, cb.timing);
    for (const id of ['a', 'b', 'c']) {
      cb.start(id);
      watcher.watch(id);
    }
    await until(() => done.length === 3);
    assert.ok(cb.calls.every((ids) => ids.length <= 3));
    assert.equal(cb.calls[0].length, 3, 'one call covers all three');
    assert.deepEqual(changes.filter((c) => c.startsWith('a:')), ['a:1', 'a:2', 'a:3', 'a:4', 'a:5']);
    assert.deepEqual(watcher.ids, []);
  });

  it('backs off from 2 s to 10 s while nothing changes, and stops when nothing is watched', async () => {
    const cb = virtualCodeBuild(60_000, 1);
    const done: string[] = [];
    const watcher = new BuildWatcher(async () => cb.api, () => undefined, (b) => done.push(b.id!), silentLogger, cb.timing);
    cb.start('slow');
    watcher.watch('slow');
    await until(() => done.length === 1);
    const polls = cb.calls.length;
    // 60 s of virtual time: 2 + 3 + 4.5 + 6.75 + 10 + 10 + ... instead of 30 polls at 2 s.
    assert.ok(polls <= 10, `polled ${polls} times in a minute`);
    const after = cb.calls.length;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(cb.calls.length, after, 'no polling once nothing is watched');
  });

  it('keeps watching through a failed round and tells where watched ids go', async () => {
    const cb = virtualCodeBuild(1000, 1);
    let fail = true;
    const flaky = { getBuilds: async (ids: string[]) => { if (fail) { fail = false; throw new Error('socket hang up'); } return cb.api.getBuilds(ids); } } as unknown as CodeBuildApi;
    const saved: string[][] = [];
    const done: string[] = [];
    const watcher = new BuildWatcher(async () => flaky, () => undefined, (b) => done.push(b.id!), silentLogger, cb.timing, (ids) => saved.push(ids));
    cb.start('x');
    watcher.watch('x');
    await until(() => done.length === 1);
    assert.deepEqual(saved, [['x'], []]);
  });
});
