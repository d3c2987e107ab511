import * as assert from 'node:assert/strict';
import type { Build, CodeBuildApi } from '../../src/core/aws/codebuild';
import { buildConsoleUrl, buildView, currentPhase, failureReason, isDone, outcome, parseEnvironment, phaseView } from '../../src/core/pipeline/buildModel';
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
    assert.deepEqual(parseEnvironment('SONAR_BRANCH=main; DRY_RUN = 1'), [{ name: 'SONAR_BRANCH', value: 'main' }, { name: 'DRY_RUN', value: '1' }]);
    assert.deepEqual(parseEnvironment('URL=a=b'), [{ name: 'URL', value: 'a=b' }]);
    assert.match(String(parseEnvironment('1BAD=x')), /not NAME=value/);
    assert.match(String(parseEnvironment('novalue')), /not NAME=value/);
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
