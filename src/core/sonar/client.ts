import type { Logger } from '../log';
import type {
  HotspotsResponse, IssuesResponse, Paging, ProjectStatus, SonarBranch, SonarComponent, SonarHotspot, SonarIssue, SonarPullRequest, SonarRule,
} from './api';

/** `unsupported`: the server has no such endpoint (an older SonarQube, a proxy in the way). */
export type SonarProblemKind = 'unauthorized' | 'forbidden' | 'notFound' | 'unsupported' | 'malformed' | 'network' | 'insecureHost' | 'aborted' | 'server';

/** A typed Sonar failure; the platform turns each kind into a sentence with a next step. */
export class SonarProblem extends Error {
  /** `signedIn: false`: no token was ever given (as opposed to one the server refused). */
  constructor(readonly kind: SonarProblemKind, message: string, readonly endpoint?: string, readonly signedIn?: boolean) {
    super(message);
    this.name = 'SonarProblem';
  }
}

/** What the findings and the gate are of: a branch (undefined = the main branch) or a pull request. */
export interface AnalysisTarget {
  branch?: string;
  pullRequest?: string;
}

const targetParams = (t: AnalysisTarget) => (t.pullRequest ? { pullRequest: t.pullRequest } : { branch: t.branch });
const targetWords = (t: AnalysisTarget) => (t.pullRequest ? ` in pull request ${t.pullRequest}` : t.branch ? ` on branch "${t.branch}"` : '');

/** api/issues/search never returns results past this many, whatever the paging says. */
export const ISSUES_REACHABLE_LIMIT = 10_000;
export const PAGE_SIZE = 500;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Throws unless `host` is https, or plain http to a loopback address: the token must not travel in clear. */
export function checkHost(host: string): URL {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new SonarProblem('insecureHost', `The Sonar host "${host}" is not a valid URL.`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  throw new SonarProblem('insecureHost', `Refusing to send the Sonar token to ${url.origin}: use https (plain http only for localhost).`);
}

/** Every page that loaded; `failed` names the first page that did not (page 1 failing throws instead). */
export interface Paged<T> {
  items: T[];
  /** What the server counted, including what the 10,000 cap leaves out. */
  total: number;
  pages: number;
  failed?: { page: number; error: SonarProblem };
}

export interface AllIssues extends Omit<Paged<SonarIssue>, 'items'> {
  issues: SonarIssue[];
  components: SonarComponent[];
}

/**
 * Page 1 first, then the remaining pages with at most `concurrency` requests in flight, in page order.
 * A later page failing stops new requests; the pages that loaded are kept and the failure is returned.
 */
export async function fetchAllPages<T>(
  fetchPage: (page: number) => Promise<{ items: T[]; total: number }>,
  opts: { pageSize: number; cap: number; concurrency: number },
): Promise<Paged<T>> {
  const first = await fetchPage(1);
  const pages = Math.max(1, Math.ceil(Math.min(first.total, opts.cap) / opts.pageSize));
  const results: ({ items: T[] } | undefined)[] = new Array(pages);
  results[0] = first;
  let next = 2;
  const out: Pick<Paged<T>, 'failed'> = {};
  const worker = async () => {
    while (next <= pages && !out.failed) {
      const page = next++;
      try {
        results[page - 1] = await fetchPage(page);
      } catch (err) {
        if (err instanceof SonarProblem && err.kind === 'aborted') throw err;
        const error = err instanceof SonarProblem ? err : new SonarProblem('server', String(err));
        const earlier = out.failed as Paged<T>['failed'];
        if (!earlier || page < earlier.page) out.failed = { page, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, pages - 1) }, worker));
  return { items: results.flatMap((r) => r?.items ?? []), total: first.total, pages, failed: out.failed };
}

const totalOf = (paging: Paging | undefined, total: number | undefined, fallback: number) => paging?.total ?? total ?? fallback;

/**
 * The Sonar Web API over Node's fetch. The token goes only in the Authorization header, only to
 * `host`, never in a URL or a log line; redirects are refused so it cannot follow one elsewhere.
 */
export class SonarClient {
  /** Requests made, for the bench and the log. */
  requests = 0;
  private readonly base: URL;

  constructor(host: string, private readonly token: string | undefined, private readonly logger: Logger, private readonly concurrency = 4) {
    this.base = checkHost(host);
  }

  get host(): string {
    return this.base.origin + this.base.pathname.replace(/\/+$/, '');
  }

  async get<T>(path: string, params: Record<string, string | number | undefined>, signal: AbortSignal | undefined, notFound: string): Promise<T> {
    const url = new URL(`${this.host}/${path}`);
    // Sentences name the endpoint and, for paged ones, the page.
    const where = params.p === undefined ? path : `${path} page ${params.p}`;
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    this.requests++;
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(url, { headers, signal, redirect: 'error' });
    } catch (err) {
      if (signal?.aborted || (err as Error).name === 'AbortError') throw new SonarProblem('aborted', 'The request was cancelled.');
      throw new SonarProblem('network', `Could not reach ${this.base.origin} for ${where} (${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}).`, path);
    }
    let body: string;
    try {
      body = await response.text();
    } catch (err) {
      if (signal?.aborted) throw new SonarProblem('aborted', 'The request was cancelled.');
      throw new SonarProblem('network', `The answer of ${this.base.origin} to ${where} broke off (${(err as Error).message}).`, path);
    }
    this.logger.debug(`sonar GET ${url.pathname}${url.search} -> ${response.status} in ${(performance.now() - started).toFixed(0)} ms`);
    if (!response.ok) throw this.problem(response.status, path, where, body, notFound);
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new SonarProblem('malformed', `${this.base.origin} answered ${where} with something that is not JSON.`, path);
    }
  }

  private problem(status: number, path: string, where: string, body: string, notFound: string): SonarProblem {
    let detail = '';
    try {
      detail = ((JSON.parse(body) as { errors?: { msg?: string }[] }).errors ?? []).map((e) => e.msg).filter(Boolean).join('; ');
    } catch { /* not JSON: no detail */ }
    const said = detail ? ` (${detail})` : '';
    // Sonar answers an unknown endpoint with 404 "Unknown url"; that is not a missing project.
    if (status === 404 && (!detail || detail.startsWith('Unknown url'))) {
      return new SonarProblem('unsupported', `${this.base.origin} has no ${path} (HTTP 404 for ${where}).`, path);
    }
    switch (status) {
      case 401: return new SonarProblem('unauthorized', `${this.base.origin} did not accept the Sonar token: it is missing, wrong, expired or revoked.`, path);
      case 403: return new SonarProblem('forbidden', `The Sonar token's user may not browse this project on ${this.base.origin}${said}.`, path);
      case 404: return new SonarProblem('notFound', `${notFound} was not found on ${this.base.origin} (${where}${detail ? `: ${detail}` : ''}).`, path);
      default: return new SonarProblem('server', `${this.base.origin} answered HTTP ${status} for ${where}${said}.`, path);
    }
  }

  async validate(signal?: AbortSignal): Promise<boolean> {
    return (await this.get<{ valid?: boolean }>('api/authentication/validate', {}, signal, 'The authentication endpoint')).valid === true;
  }

  async branches(projectKey: string, signal?: AbortSignal): Promise<SonarBranch[]> {
    return (await this.get<{ branches?: SonarBranch[] }>('api/project_branches/list', { project: projectKey }, signal, `Project "${projectKey}"`)).branches ?? [];
  }

  async pullRequests(projectKey: string, signal?: AbortSignal): Promise<SonarPullRequest[]> {
    return (await this.get<{ pullRequests?: SonarPullRequest[] }>('api/project_pull_requests/list', { project: projectKey }, signal, `Project "${projectKey}"`)).pullRequests ?? [];
  }

  async issues(projectKey: string, target: AnalysisTarget, signal?: AbortSignal): Promise<AllIssues> {
    const componentsByKey = new Map<string, SonarComponent>();
    // `components` replaces the deprecated `componentKeys`; no `additionalFields`: the components
    // list (for paths) comes without it, and nothing else it adds is used.
    const all = await fetchAllPages<SonarIssue>(async (p) => {
      const page = await this.get<IssuesResponse>('api/issues/search', {
        components: projectKey, ...targetParams(target), resolved: 'false', ps: PAGE_SIZE, p,
      }, signal, `Project "${projectKey}"${targetWords(target)}`);
      if (!Array.isArray(page.issues)) throw new SonarProblem('malformed', `api/issues/search page ${p} returned no issues list for "${projectKey}".`, 'api/issues/search');
      for (const c of page.components ?? []) componentsByKey.set(c.key, c);
      return { items: page.issues, total: totalOf(page.paging, page.total, page.issues.length) };
    }, { pageSize: PAGE_SIZE, cap: ISSUES_REACHABLE_LIMIT, concurrency: this.concurrency });
    return { issues: all.items, components: [...componentsByKey.values()], total: all.total, pages: all.pages, failed: all.failed };
  }

  async hotspots(projectKey: string, target: AnalysisTarget, signal?: AbortSignal): Promise<Paged<SonarHotspot> & { components: SonarComponent[] }> {
    const components: SonarComponent[] = [];
    const all = await fetchAllPages<SonarHotspot>(async (p) => {
      const page = await this.get<HotspotsResponse>('api/hotspots/search', {
        projectKey, ...targetParams(target), status: 'TO_REVIEW', ps: PAGE_SIZE, p,
      }, signal, `Project "${projectKey}"${targetWords(target)}`);
      components.push(...(page.components ?? []));
      const hotspots = page.hotspots ?? [];
      return { items: hotspots, total: totalOf(page.paging, undefined, hotspots.length) };
    }, { pageSize: PAGE_SIZE, cap: ISSUES_REACHABLE_LIMIT, concurrency: this.concurrency });
    return { ...all, components };
  }

  async gate(projectKey: string, target: AnalysisTarget, signal?: AbortSignal): Promise<ProjectStatus> {
    const res = await this.get<{ projectStatus?: ProjectStatus }>('api/qualitygates/project_status', { projectKey, ...targetParams(target) }, signal, `The quality gate of "${projectKey}"${targetWords(target)}`);
    if (!res.projectStatus) throw new SonarProblem('malformed', 'api/qualitygates/project_status returned no projectStatus.', 'api/qualitygates/project_status');
    return res.projectStatus;
  }

  /** The commit of the last analysis of the branch, when the scanner recorded one. */
  async lastAnalysisRevision(projectKey: string, branch: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.get<{ analyses?: { revision?: string }[] }>('api/project_analyses/search', { project: projectKey, branch, ps: 1 }, signal, `Project "${projectKey}"${targetWords({ branch })}`);
    return res.analyses?.[0]?.revision;
  }

  async rule(key: string, organization: string, signal?: AbortSignal): Promise<SonarRule> {
    const res = await this.get<{ rule?: SonarRule }>('api/rules/show', { key, organization }, signal, `Rule "${key}"`);
    if (!res.rule) throw new SonarProblem('malformed', `api/rules/show returned no rule for "${key}".`, 'api/rules/show');
    return res.rule;
  }
}
