import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { changedFiles, commitInfo, commitsBetween, fileAt, headCommit, showCommit } from '../../src/core/git/git';
import { installProcessRunner, ProcessRunner, UntrustedWorkspace } from '../../src/core/process/runner';
import type { Logger } from '../../src/core/log';

describe('processes: real git through the runner', () => {
  let repo: string;
  let outside: string;
  let head: string;
  let restore: () => void;
  const lines: string[] = [];
  const logger: Logger = { debug: (m) => void lines.push(m), info: (m) => void lines.push(m), warn: (m) => void lines.push(m), error: (m) => void lines.push(m) };
  let trusted = true;

  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'aets-proc-repo-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'aets-proc-out-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    fs.mkdirSync(path.join(repo, 'dags'));
    fs.writeFileSync(path.join(repo, 'dags', 'a.py'), 'x = 1\n');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'first');
    head = git('rev-parse', 'HEAD').trim();
    restore = installProcessRunner(new ProcessRunner({ logger, isTrusted: () => trusted, workspaceFolders: () => [repo] }));
  });
  after(() => {
    restore();
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
  beforeEach(() => {
    trusted = true;
    lines.length = 0;
  });

  it('a hostile commit label (--output=<file>) is never read as an option: git writes no file', async () => {
    const target = path.join(outside, 'x');
    const label = `--output=${target}`;
    // Each helper that takes a commit from data; git rejects the value as a revision instead.
    await assert.rejects(commitsBetween(repo, label, head));
    await assert.rejects(showCommit(repo, label));
    await assert.rejects(changedFiles(repo, label, 'dags'));
    assert.equal(await fileAt(repo, label, 'dags/a.py'), '');
    assert.equal(await commitInfo(repo, label), undefined);
    assert.deepEqual(fs.readdirSync(outside), [], 'no file was written');
    assert.ok(lines.some((l) => l.includes('--end-of-options --output=')), 'the log shows the value after --end-of-options');
    // The same helpers still answer for a real commit.
    assert.equal((await commitInfo(repo, head))?.subject, 'first');
    assert.equal(await commitsBetween(repo, head, head), 0);
    assert.equal(await fileAt(repo, head, 'dags/a.py'), 'x = 1\n');
  });

  it('never runs a git planted in the workspace, even first on PATH', async () => {
    const bin = path.join(repo, 'bin');
    const marker = path.join(outside, 'planted-git-ran');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\ntouch ${marker}\necho 0000000000000000000000000000000000000000\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:.:${saved}`;
    try {
      assert.equal(await headCommit(repo), head);
    } finally {
      process.env.PATH = saved;
    }
    assert.equal(fs.existsSync(marker), false, 'the planted git did not run');
    assert.ok(lines.some((l) => /^process: \/\S+\/git rev-parse HEAD/.test(l) && !l.includes(bin)), lines.join('\n'));
  });

  it('refuses git in an untrusted workspace without starting it', async () => {
    trusted = false;
    await assert.rejects(headCommit(repo), UntrustedWorkspace);
    assert.ok(!lines.some((l) => /exited with/.test(l)), 'nothing ran');
  });
});
