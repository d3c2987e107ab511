import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitArgs, runGit } from '../../src/core/git/git';
import { runCompose } from '../../src/core/docker/composeCli';
import {
  ExecutableNotFound, installProcessRunner, ProcessRunner, resolveExecutable, UntrustedWorkspace, type ResolveContext,
} from '../../src/core/process/runner';
import type { Logger } from '../../src/core/log';

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (m: string) => void lines.push(m);
  return { lines, debug: add, info: add, warn: add, error: add };
}

describe('process runner', () => {
  describe('resolveExecutable', () => {
    const posix = (pathValue: string, present: string[], workspaceFolders: string[] = []): ResolveContext => ({
      pathValue, workspaceFolders, platform: 'linux', isExecutable: (f) => present.includes(f),
    });

    it('returns the first PATH entry holding the executable, as an absolute path', () => {
      assert.equal(resolveExecutable('git', posix('/opt/bin:/usr/bin', ['/usr/bin/git', '/usr/local/bin/git'])), '/usr/bin/git');
    });

    it('skips a PATH entry inside a workspace folder, and the folder itself', () => {
      const ctx = posix('/work/repo/tools:/work/repo:/usr/bin', ['/work/repo/tools/git', '/work/repo/git', '/usr/bin/git'], ['/work/repo']);
      assert.equal(resolveExecutable('git', ctx), '/usr/bin/git');
    });

    it('does not mistake a sibling folder with a common prefix for the workspace', () => {
      const ctx = posix('/work/repo-tools:/usr/bin', ['/work/repo-tools/git', '/usr/bin/git'], ['/work/repo']);
      assert.equal(resolveExecutable('git', ctx), '/work/repo-tools/git');
    });

    it('skips relative and empty PATH entries (they mean the working directory)', () => {
      const ctx = posix('.:bin::./node_modules/.bin:/usr/bin', ['git', 'bin/git', './node_modules/.bin/git', '/usr/bin/git']);
      assert.equal(resolveExecutable('git', ctx), '/usr/bin/git');
    });

    it('is undefined when nothing outside the workspace has it, and for names with a path', () => {
      assert.equal(resolveExecutable('git', posix('/work/repo/bin', ['/work/repo/bin/git'], ['/work/repo'])), undefined);
      assert.equal(resolveExecutable('./git', posix('/usr/bin', ['/usr/bin/git'])), undefined);
      assert.equal(resolveExecutable('bin/git', posix('/usr', ['/usr/bin/git'])), undefined);
    });

    it('on Windows never takes git.exe from the working directory, matches folders case-insensitively and ignores .cmd', () => {
      const present = ['C:\\Repo\\git.exe', 'c:\\repo\\tools\\git.exe', 'C:\\Tools\\git.cmd', 'C:\\Program Files\\Git\\cmd\\git.exe'];
      const ctx: ResolveContext = {
        pathValue: '.;C:\\Repo\\Tools;C:\\Tools;"C:\\Program Files\\Git\\cmd"',
        workspaceFolders: ['c:\\repo'],
        platform: 'win32',
        pathExt: '.COM;.EXE;.BAT;.CMD',
        isExecutable: (f) => present.some((p) => p.toLowerCase() === f.toLowerCase()),
      };
      assert.equal(resolveExecutable('git', ctx), 'C:\\Program Files\\Git\\cmd\\git.exe');
    });

    it('finds a real executable on this machine', () => {
      const found = resolveExecutable('sh', { pathValue: process.env.PATH ?? '', workspaceFolders: [], platform: process.platform });
      assert.ok(found && path.isAbsolute(found), String(found));
    });
  });

  describe('gitArgs', () => {
    it('puts every value from data after --end-of-options, and paths after --', () => {
      assert.deepEqual(gitArgs(['log', '-1', '--format=%H'], ['--output=/tmp/x^{commit}'], []), ['log', '-1', '--format=%H', '--end-of-options', '--output=/tmp/x^{commit}', '--']);
      assert.deepEqual(gitArgs(['diff', '--name-status'], ['abc'], ['dags']), ['diff', '--name-status', '--end-of-options', 'abc', '--', 'dags']);
      assert.deepEqual(gitArgs(['rev-list', '--count'], ['a..b']), ['rev-list', '--count', '--end-of-options', 'a..b']);
    });
  });

  describe('trust', () => {
    let trusted = true;
    let logger: ReturnType<typeof recorder>;
    let restore: () => void;
    beforeEach(() => {
      trusted = false;
      logger = recorder();
      restore = installProcessRunner(new ProcessRunner({ logger, isTrusted: () => trusted, workspaceFolders: () => [] }));
    });
    afterEach(() => restore());

    it('refuses git in an untrusted workspace with one sentence, before anything starts', async () => {
      await assert.rejects(runGit(os.tmpdir(), ['status']), (err: unknown) => {
        assert.ok(err instanceof UntrustedWorkspace);
        assert.equal(err.message, 'Git is off in an untrusted workspace because it can run code the workspace defines: trust the folder to use it.');
        return true;
      });
      assert.equal(logger.lines.length, 1);
      assert.match(logger.lines[0], /refused in an untrusted workspace: git status/);
    });

    it('refuses every compose subcommand in an untrusted workspace (stop, down, pull, config alike)', async () => {
      const engine = { label: 'docker-compose', file: 'docker-compose', prefix: [], config: ['config'] };
      for (const sub of ['stop', 'start', 'restart', 'pull', 'down', 'config']) {
        await assert.rejects(runCompose(engine, { file: '/tmp/x/docker-compose.yml', name: 'x' }, [sub]), (err: unknown) =>
          err instanceof UntrustedWorkspace && err.action === `docker-compose ${sub}`);
      }
    });

    it('runs when trusted, with the resolved path and the output in the log', async () => {
      trusted = true;
      const out = await runGit(os.tmpdir(), ['--version']);
      assert.match(out, /^git version/);
      assert.match(logger.lines[0], /^process: \/\S+\/git --version/);
      assert.ok(logger.lines.some((l) => /exited with 0/.test(l) && /git version/.test(l)));
    });

    it('requireTrust is the same check', () => {
      assert.throws(() => new ProcessRunner({ logger, isTrusted: () => false, workspaceFolders: () => [] }).requireTrust('Build Image'), /^UntrustedWorkspace: Build Image is off/);
    });
  });

  describe('run', () => {
    const runner = new ProcessRunner({ logger: recorder(), isTrusted: () => true, workspaceFolders: () => [] });

    it('passes arguments as they are, never through a shell', async () => {
      const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aets-run-')), 'marker');
      const result = await runner.run('echo', [`; touch ${marker}`, '$(touch x)']);
      assert.equal(result.stdout, `; touch ${marker} $(touch x)\n`);
      assert.equal(fs.existsSync(marker), false);
    });

    it('says which executable is missing', async () => {
      await assert.rejects(runner.run('no-such-tool-aets', []), (err: unknown) => err instanceof ExecutableNotFound && /no-such-tool-aets was not found on PATH/.test(err.message));
    });

    it('stops the process when the signal aborts and rejects with an AbortError', async () => {
      const controller = new AbortController();
      const running = runner.run('sleep', ['30'], { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(running, (err: unknown) => (err as Error).name === 'AbortError');
    });
  });
});
