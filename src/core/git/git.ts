import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** Runs git with an argument array (never a shell string) and returns its trimmed stdout. */
export function runGit(cwd: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => reject(new Error(`git could not be started: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(' ')} failed: ${err.trim() || `exit ${code}`}`))));
  });
}

export interface GitState {
  /** The checked-out branch; undefined when HEAD is detached. */
  branch?: string;
  /** The commit HEAD points at. */
  head: string;
  /** The file git rewrites when the branch changes (works for worktrees too). */
  headFile: string;
}

/** Branch, HEAD commit and HEAD file of the repository holding `cwd`; undefined outside a repository. */
export async function readGitState(cwd: string, signal?: AbortSignal): Promise<GitState | undefined> {
  try {
    const [branch, head, gitDir] = await Promise.all([
      runGit(cwd, ['rev-parse', '--abbrev-ref', 'HEAD'], signal),
      runGit(cwd, ['rev-parse', 'HEAD'], signal),
      runGit(cwd, ['rev-parse', '--absolute-git-dir'], signal),
    ]);
    return { branch: branch === 'HEAD' ? undefined : branch, head, headFile: path.join(gitDir, 'HEAD') };
  } catch (err) {
    if (signal?.aborted) throw err;
    return undefined;
  }
}
