import { GitError, gitArgs, runGit } from './git';

export interface UpstreamState {
  /** `origin/main`, or undefined when the branch tracks nothing. */
  upstream?: string;
  /** Local commits the upstream does not have. */
  ahead: number;
}

/** Whether HEAD has been pushed: what CodeBuild would build for this commit. */
export async function upstreamState(cwd: string, signal?: AbortSignal): Promise<UpstreamState> {
  let upstream: string;
  try {
    upstream = (await runGit(cwd, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}'], signal)).trim();
  } catch (err) {
    if (err instanceof GitError && err.exitCode !== null) return { ahead: 0 };
    throw err;
  }
  const ahead = Number((await runGit(cwd, gitArgs(['rev-list', '--count'], [`${upstream}..HEAD`]), signal)).trim());
  return { upstream, ahead };
}
