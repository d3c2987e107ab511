import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { Build, CodeBuildApi } from '../../src/core/aws/codebuild';
import { StackTracker, type DockerApi } from '../../src/core/docker/stackState';
import { silentLogger } from '../../src/core/log';
import { builtCommit, buildView, isBuildOf } from '../../src/core/pipeline/buildModel';
import { BuildWatcher, DEFAULT_TIMING, type WatcherTiming } from '../../src/core/pipeline/buildWatcher';
import { whileVisible, type VisibleView } from '../../src/platform/visibleTimer';

const HEAD = '0123456789abcdef0123456789abcdef01234567';

describe('pipeline: which build built HEAD', () => {
  it('matches the resolved commit of a git-hosted source', () => {
    assert.ok(isBuildOf({ resolvedSourceVersion: HEAD, sourceVersion: 'main' }, HEAD));
    assert.ok(!isBuildOf({ resolvedSourceVersion: 'f'.repeat(40), sourceVersion: HEAD }, HEAD), 'what CodeBuild resolved wins over what was asked');
  });

  it('matches the requested commit when the source never resolves one (NO_SOURCE, S3, CodeCommit)', () => {
    assert.ok(isBuildOf({ sourceVersion: HEAD }, HEAD));
    assert.ok(isBuildOf({ sourceVersion: HEAD.toUpperCase() }, HEAD));
    assert.ok(isBuildOf({ sourceVersion: HEAD.slice(0, 7) }, HEAD), 'a short SHA that was asked for');
    assert.ok(!isBuildOf({ sourceVersion: 'main' }, HEAD), 'a branch name is no commit');
    assert.ok(!isBuildOf({ sourceVersion: '0123' }, HEAD), 'too short to be a commit');
    assert.ok(!isBuildOf({}, HEAD));
  });

  it('shows the requested commit on the build row when none was resolved', () => {
    const build: Build = { buildNumber: 7, projectName: 'dags', buildStatus: 'SUCCEEDED', sourceVersion: HEAD };
    assert.equal(builtCommit(build), HEAD);
    assert.match(buildView(build, Date.now()).description, /^succeeded · 0123456/);
  });
});

describe('pipeline: BuildWatcher pokes and gone builds', () => {
  it('polls again at once when poked during BatchGetBuilds, instead of sleeping', async () => {
    const log: string[] = [];
    let release: (() => void) | undefined;
    let round = 0;
    const api = {
      getBuilds: async (ids: string[]) => {
        log.push(`get:${++round}`);
        if (round === 1) await new Promise<void>((r) => { release = r; });
        return ids.map((id) => ({ id, buildStatus: round >= 3 ? 'SUCCEEDED' : 'IN_PROGRESS', buildComplete: round >= 3 }) as Build);
      },
    } as unknown as CodeBuildApi;
    const timing: WatcherTiming = { minMs: 2000, maxMs: 10_000, sleep: async (ms) => { log.push(`sleep:${ms}`); } };
    const done: string[] = [];
    const watcher = new BuildWatcher(async () => api, () => undefined, (b) => done.push(b.id!), silentLogger, timing);
    watcher.watch('b1');
    while (!release) await new Promise((r) => setImmediate(r));
    watcher.poke();
    release();
    while (done.length === 0) await new Promise((r) => setImmediate(r));
    assert.deepEqual(log.slice(0, 2), ['get:1', 'get:2'], 'no sleep between the poked round and the next');
    watcher.dispose();
  });

  it('the default sleep ends at once for a signal already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const winner = await Promise.race([
      DEFAULT_TIMING.sleep(60_000, controller.signal).then(() => 'woke'),
      new Promise((r) => setTimeout(() => r('slept'), 5000)),
    ]);
    assert.equal(winner, 'woke');
  });

  it('stops polling a build that BatchGetBuilds does not return, and says so', async () => {
    const asked: string[][] = [];
    const api = {
      getBuilds: async (ids: string[]) => {
        asked.push(ids);
        return ids.filter((id) => id !== 'gone').map((id) => ({ id, buildStatus: 'IN_PROGRESS' }) as Build);
      },
    } as unknown as CodeBuildApi;
    const timing: WatcherTiming = { minMs: 2000, maxMs: 10_000, sleep: async () => { await new Promise((r) => setImmediate(r)); } };
    const gone: string[] = [];
    const saved: string[][] = [];
    const watcher = new BuildWatcher(async () => api, () => undefined, () => undefined, silentLogger, timing, (ids) => saved.push(ids), (id) => gone.push(id));
    watcher.watch('gone');
    watcher.watch('alive');
    while (asked.length < 4) await new Promise((r) => setImmediate(r));
    assert.deepEqual(watcher.ids, ['alive']);
    watcher.dispose();
    assert.deepEqual(gone, ['gone'], 'told once');
    assert.ok(asked.slice(1).every((ids) => !ids.includes('gone')), `asked ${JSON.stringify(asked)}`);
    assert.deepEqual(saved.at(-1), ['alive'], 'the gone id left the saved list');
  });
});

describe('Local Stack: StackTracker starts', () => {
  function fakeDocker() {
    const streams: PassThrough[] = [];
    const docker: DockerApi = {
      getEvents: (async () => {
        await new Promise((r) => setTimeout(r, 5));
        const s = new PassThrough();
        streams.push(s);
        return s;
      }) as unknown as Docker['getEvents'],
      listContainers: (async () => []) as unknown as Docker['listContainers'],
      // No container is listed, so none is ever inspected.
      getContainer: (() => { throw new Error('no container to inspect'); }) as unknown as Docker['getContainer'],
    };
    return { docker, streams };
  }

  it('opens one events stream for concurrent starts, and none while it watches', async () => {
    const { docker, streams } = fakeDocker();
    const tracker = new StackTracker(docker, 'p');
    await Promise.all([tracker.start(), tracker.start(), tracker.start()]);
    assert.equal(streams.length, 1);
    await tracker.start();
    assert.equal(streams.length, 1, 'already watching');
    assert.ok(tracker.watching);
    tracker.dispose();
    assert.ok(streams[0].destroyed);
  });

  it('opens a new stream after the old one ended', async () => {
    const { docker, streams } = fakeDocker();
    const tracker = new StackTracker(docker, 'p');
    await tracker.start();
    streams[0].end();
    streams[0].resume();
    while (tracker.watching) await new Promise((r) => setImmediate(r));
    await tracker.start();
    assert.equal(streams.length, 2);
    tracker.dispose();
  });
});

describe('whileVisible', () => {
  function view(visible: boolean) {
    const listeners: ((e: { visible: boolean }) => void)[] = [];
    const v = {
      visible,
      onDidChangeVisibility: (l: (e: { visible: boolean }) => void) => {
        listeners.push(l);
        return { dispose: () => listeners.splice(listeners.indexOf(l), 1) };
      },
      set(next: boolean) {
        v.visible = next;
        for (const l of [...listeners]) l({ visible: next });
      },
    };
    return v;
  }

  it('runs on a timer only while visible, and once when shown again', async () => {
    const v = view(false);
    let runs = 0;
    const timer = whileVisible(v as unknown as VisibleView, () => runs++, { everyMs: () => 5, onShown: true });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(runs, 0, 'hidden: nothing');
    v.set(true);
    assert.equal(runs, 1, 'shown again: at once');
    while (runs < 3) await new Promise((r) => setTimeout(r, 5));
    v.set(false);
    const hidden = runs;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(runs, hidden, 'hidden again: the timer stopped');
    timer.dispose();
  });

  it('never runs on a timer for a period of 0, and picks up a new period on restart', async () => {
    const v = view(true);
    let runs = 0;
    let period = 0;
    const timer = whileVisible(v as unknown as VisibleView, () => runs++, { everyMs: () => period });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(runs, 0);
    period = 5;
    timer.restart();
    while (runs < 2) await new Promise((r) => setTimeout(r, 5));
    timer.dispose();
  });
});
