import type { ProjectStatus, SonarBranch, SonarComponent, SonarHotspot, SonarPullRequest } from './api';
import { ISSUES_REACHABLE_LIMIT, SonarProblem, type AllIssues, type AnalysisTarget, type Paged, type SonarClient } from './client';
import { formatCount } from './format';

/** The parts of a load; each loads (or fails) on its own. */
export type Part = 'branches' | 'pullRequests' | 'issues' | 'hotspots' | 'gate' | 'analyses';

export const PART_LABEL: Record<Part, string> = {
  branches: 'Branch list', pullRequests: 'Pull requests', issues: 'Issues', hotspots: 'Hotspots', gate: 'Quality gate', analyses: 'Last analysis',
};

export interface PartFailure {
  part: Part;
  error: SonarProblem;
  /** For a paged part that loaded some pages: how many items it kept, of how many. */
  kept?: { items: number; total: number };
}

/** One sentence per failed part, naming the endpoint, the page and the cause (the problem's message does). */
export function failureSentence(f: PartFailure, asOf?: string): string {
  const cause = f.error.message.replace(/\.$/, '');
  if (f.kept) return `${PART_LABEL[f.part]} incomplete: ${cause}; showing the ${formatCount(f.kept.items)} of ${formatCount(f.kept.total)} from the pages that loaded.`;
  if (asOf) return `${PART_LABEL[f.part]} as of ${asOf}, the last refresh failed: ${cause}.`;
  return `${PART_LABEL[f.part]} not loaded: ${cause}.`;
}

export interface LoadRequest {
  projectKey: string;
  /** From git; undefined when HEAD is detached or there is no repository. */
  localBranch?: string;
  /** Why there is no local branch, for the sentence: "HEAD is detached", "... is not in a git repository". */
  noBranchReason?: string;
  /** The pull request the user picked in the Quality view, if any. */
  pullRequest?: string;
  /** The user picked the branch although it has a pull request. */
  preferBranch?: boolean;
}

export interface Loaded {
  target: AnalysisTarget;
  /** The pull request shown, when the target is one. */
  pullRequest?: SonarPullRequest;
  /** Analysed pull requests whose source branch is the local branch: what the quick pick offers. */
  branchPullRequests: SonarPullRequest[];
  /** Whether the local branch itself was analysed (false when the branch list failed: unknown). */
  branchAnalysed: boolean;
  /** Why another branch than the local one is shown. */
  fallback?: string;
  issues?: AllIssues;
  hotspots?: Paged<SonarHotspot> & { components: SonarComponent[] };
  gate?: ProjectStatus;
  revision?: string;
  failures: PartFailure[];
}

const asProblem = (err: unknown): SonarProblem => (err instanceof SonarProblem ? err : new SonarProblem('server', err instanceof Error ? err.message : String(err)));

async function settle<T>(part: Part, failures: PartFailure[], run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    const error = asProblem(err);
    if (error.kind === 'aborted') throw error;
    failures.push({ part, error });
    return undefined;
  }
}

/**
 * Reads branches, pull requests, issues, hotspots, gate and the last analysis, each on its own: a
 * part that fails is one PartFailure and the rest still loads. Without the branch list the branch
 * from git is used, and a sentence says so.
 */
export async function loadAnalysis(client: SonarClient, req: LoadRequest, signal?: AbortSignal): Promise<Loaded> {
  const failures: PartFailure[] = [];
  const [branches, prs] = await Promise.all([
    settle<SonarBranch[]>('branches', failures, () => client.branches(req.projectKey, signal)),
    client.pullRequests(req.projectKey, signal).catch((err: unknown) => {
      const error = asProblem(err);
      if (error.kind === 'aborted') throw error;
      // A server without pull requests (SonarQube Community Build) is not a failure to report.
      if (error.kind !== 'unsupported') failures.push({ part: 'pullRequests', error });
      return [] as SonarPullRequest[];
    }),
  ]);
  const local = req.localBranch;
  const branchPullRequests = local ? prs.filter((p) => p.branch === local) : [];
  const branchAnalysed = Boolean(local && branches?.some((b) => b.name === local));
  const main = branches?.find((b) => b.isMain)?.name;

  let target: AnalysisTarget;
  let pullRequest: SonarPullRequest | undefined;
  let fallback: string | undefined;
  const picked = req.pullRequest ? branchPullRequests.find((p) => p.key === req.pullRequest) : undefined;
  if (picked || (!branchAnalysed && branches && branchPullRequests.length && !req.preferBranch)) {
    pullRequest = picked ?? branchPullRequests[0];
    target = { pullRequest: pullRequest.key };
  } else if (!branches) {
    target = { branch: local };
    fallback = local ? `The branch list could not be read: showing branch ${local} from git.` : `The branch list could not be read: showing the main branch.`;
  } else if (branchAnalysed) {
    target = { branch: local };
  } else {
    target = { branch: main };
    const shown = main ?? 'the main branch';
    fallback = req.noBranchReason ? `${req.noBranchReason}: showing ${shown}.` : `Branch ${local} was never analysed: showing ${shown}.`;
  }

  const readTarget = (t: AnalysisTarget) => Promise.all([
    settle('issues', failures, () => client.issues(req.projectKey, t, signal)),
    settle('hotspots', failures, () => client.hotspots(req.projectKey, t, signal)),
    settle('gate', failures, () => client.gate(req.projectKey, t, signal)),
    // The pull request list carries its commit; branches need api/project_analyses/search.
    pullRequest ? Promise.resolve(pullRequest.commit?.sha) : settle('analyses', failures, () => client.lastAnalysisRevision(req.projectKey, t.branch, signal)),
  ]);
  let [issues, hotspots, gate, revision] = await readTarget(target);
  // Without the branch list a git branch the server never analysed is a 404: show the main branch instead.
  if (!branches && target.branch && !issues && failures.some((f) => f.part === 'issues' && f.error.kind === 'notFound')) {
    failures.splice(0, failures.length, ...failures.filter((f) => !['issues', 'hotspots', 'gate', 'analyses'].includes(f.part)));
    target = {};
    fallback = `The branch list could not be read and branch ${local} has no analysis: showing the main branch.`;
    [issues, hotspots, gate, revision] = await readTarget(target);
  }
  const cap = (total: number) => Math.min(total, ISSUES_REACHABLE_LIMIT);
  if (issues?.failed) failures.push({ part: 'issues', error: issues.failed.error, kept: { items: issues.issues.length, total: cap(issues.total) } });
  if (hotspots?.failed) failures.push({ part: 'hotspots', error: hotspots.failed.error, kept: { items: hotspots.items.length, total: cap(hotspots.total) } });
  return { target, pullRequest, branchPullRequests, branchAnalysed, fallback, issues, hotspots, gate, revision, failures };
}
