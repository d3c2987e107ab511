import * as path from 'node:path';
import { processRunner, UntrustedWorkspace } from '../process/runner';

export class GitError extends Error {
  constructor(message: string, readonly exitCode: number | null, readonly stderr: string) {
    super(message);
    this.name = 'GitError';
  }
}

/**
 * Git arguments with everything that came from data (a commit from an image label, a file
 * name) after `--end-of-options`, so a value such as `--output=/tmp/x` is never read as an option.
 */
export function gitArgs(options: readonly string[], data: readonly string[], paths?: readonly string[]): string[] {
  return [...options, '--end-of-options', ...data, ...(paths ? ['--', ...paths] : [])];
}

/**
 * Runs `git <args>` in `cwd` through the process runner and returns stdout. Git runs the
 * repository's config (hooks, core.fsmonitor), so it is refused in an untrusted workspace.
 */
export async function runGit(cwd: string, args: string[], signal?: AbortSignal): Promise<string> {
  const result = await processRunner().run('git', args, { cwd, signal, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, trust: 'Git' });
  const stderr = result.stderr.trim();
  if (result.code !== 0) throw new GitError(`git ${args[0]} failed: ${stderr.split('\n')[0] || `exit code ${result.code}`}`, result.code, stderr);
  return result.stdout;
}

export interface CommitInfo {
  sha: string;
  subject: string;
  author: string;
  /** ISO 8601 */
  date: string;
}

const SEP = '\x1f';

/**
 * The commit a SHA or a ref (`main`, `v1.2`, `origin/main`: a build's SOURCE_VERSION may be either)
 * names, or undefined when this clone does not have it (or `cwd` is not a repository).
 */
export async function commitInfo(cwd: string, sha: string, signal?: AbortSignal): Promise<CommitInfo | undefined> {
  if (!sha.trim()) return undefined;
  try {
    const commit = (await runGit(cwd, gitArgs(['rev-parse', '--verify', '--quiet'], [`${sha}^{commit}`]), signal)).trim();
    const out = await runGit(cwd, gitArgs(['log', '-1', `--format=%H${SEP}%s${SEP}%an${SEP}%aI`], [commit], []), signal);
    const [full, subject, author, date] = out.trim().split(SEP);
    return full ? { sha: full, subject, author, date } : undefined;
  } catch (err) {
    if (err instanceof GitError && err.exitCode !== null) return undefined;
    throw err;
  }
}

export async function headCommit(cwd: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return (await runGit(cwd, ['rev-parse', 'HEAD'], signal)).trim();
  } catch (err) {
    if (err instanceof GitError && err.exitCode !== null) return undefined;
    throw err;
  }
}

export interface GitState {
  /** The checked-out branch; undefined when HEAD is detached. */
  branch?: string;
  /** The commit HEAD points at. */
  head: string;
  /** The file git rewrites when the branch changes (works for worktrees too). */
  headFile: string;
}

/** Branch, HEAD commit and HEAD file of the repository holding `cwd`; undefined outside a repository. Rejects when cancelled or refused (untrusted). */
export async function readGitState(cwd: string, signal?: AbortSignal): Promise<GitState | undefined> {
  try {
    const [branch, head, gitDir] = (await Promise.all([
      runGit(cwd, ['rev-parse', '--abbrev-ref', 'HEAD'], signal),
      runGit(cwd, ['rev-parse', 'HEAD'], signal),
      runGit(cwd, ['rev-parse', '--absolute-git-dir'], signal),
    ])).map((out) => out.trim());
    return { branch: branch === 'HEAD' ? undefined : branch, head, headFile: path.join(gitDir, 'HEAD') };
  } catch (err) {
    if (signal?.aborted || err instanceof UntrustedWorkspace) throw err;
    return undefined;
  }
}

/** Commits reachable from `to` but not from `from` (how far `from` is behind). */
export async function commitsBetween(cwd: string, from: string, to: string, signal?: AbortSignal): Promise<number> {
  return Number((await runGit(cwd, gitArgs(['rev-list', '--count'], [`${from}..${to}`]), signal)).trim());
}

/** `git show` of a commit: header, message and patch. */
export function showCommit(cwd: string, sha: string, signal?: AbortSignal): Promise<string> {
  return runGit(cwd, gitArgs(['show', '--stat', '--patch', '--format=fuller'], [sha], []), signal);
}

/** Files under `folder` (relative to cwd) that differ between `sha` and the working tree. */
export async function changedFiles(cwd: string, sha: string, folder: string, signal?: AbortSignal): Promise<{ status: string; path: string }[]> {
  const out = await runGit(cwd, gitArgs(['diff', '--name-status', '--relative', '--no-renames'], [sha], [folder]), signal);
  return out.split('\n').filter(Boolean).map((line) => {
    const [status, file] = line.split('\t');
    return { status, path: file };
  });
}

/** A file's content at a commit; `file` is relative to cwd. Empty when it did not exist there. */
export async function fileAt(cwd: string, sha: string, file: string, signal?: AbortSignal): Promise<string> {
  try {
    return await runGit(cwd, gitArgs(['show'], [`${sha}:./${file}`]), signal);
  } catch (err) {
    if (err instanceof GitError && err.exitCode !== null) return '';
    throw err;
  }
}

export function fetchAll(cwd: string, signal?: AbortSignal): Promise<string> {
  return runGit(cwd, ['fetch', '--all', '--quiet'], signal);
}

export interface FetchOutcome {
  remotes: string[];
  /** Remote-tracking branches and tags that are new or moved. */
  updated: number;
}

/** `git fetch --all`, saying what it did: no remote to fetch from, or how many refs changed. */
export async function fetchRemotes(cwd: string, signal?: AbortSignal): Promise<FetchOutcome> {
  const remotes = (await runGit(cwd, ['remote'], signal)).split('\n').filter(Boolean);
  if (!remotes.length) return { remotes, updated: 0 };
  const refs = async () => new Map((await runGit(cwd, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/remotes', 'refs/tags'], signal))
    .split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
  const before = await refs();
  await fetchAll(cwd, signal);
  const after = await refs();
  return { remotes, updated: [...after].filter(([ref, sha]) => before.get(ref) !== sha).length };
}
