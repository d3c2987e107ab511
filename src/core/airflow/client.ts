// The Airflow REST API: Airflow 3 (/api/v2, a JWT from POST /auth/token) and Airflow 2
// (/api/v1, basic auth). The version is asked of the server, never guessed from the URL.
// Credentials travel only in the Authorization header (or the token request's body), only to
// the base URL, never in a URL or a log line.
import { mapLimit } from '../concurrency';
import { silentLogger, type Logger } from '../log';

/**
 * `auth`: the API refused the credentials (its `detail` in the sentence); `noTokenEndpoint`: the
 * auth manager hands out no tokens at /auth/token; `html`: a proxy or login page answered instead
 * of the API; `notFound`: the API has no such object (or no such endpoint: `endpoint` says which).
 */
export type AirflowProblemKind =
  | 'auth' | 'forbidden' | 'noTokenEndpoint' | 'html' | 'timeout' | 'notFound' | 'http'
  | 'network' | 'insecure' | 'malformed' | 'aborted' | 'notAirflow';

/** A typed Airflow failure: one sentence, never a raw body. */
export class AirflowProblem extends Error {
  constructor(readonly kind: AirflowProblemKind, message: string, readonly status?: number, readonly detail?: string) {
    super(message);
    this.name = 'AirflowProblem';
  }
}

export type AirflowApiVersion = 'v1' | 'v2';

export interface AirflowVersion {
  api: AirflowApiVersion;
  /** What the server says, e.g. "3.0.2". */
  version: string;
}

export type AirflowCredentials =
  | { kind: 'password'; username: string; password: string }
  /** A token the user pasted: sent as a Bearer token, not renewable. */
  | { kind: 'token'; token: string };

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface AirflowClientOptions {
  baseUrl: string;
  credentials: AirflowCredentials;
  fetch?: FetchLike;
  logger?: Logger;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Pages in flight at once; default 4. */
  concurrency?: number;
  /** Clock for token renewal (ms since epoch). */
  now?: () => number;
}

/** Airflow's default `[api] maximum_page_limit`; a server configured lower clamps, which paging notices. */
export const PAGE_LIMIT = 100;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Renew this long before `exp` (or at 80% of a shorter lifetime). */
const RENEW_BEFORE_MS = 60_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The base URL without a trailing slash; throws unless https, or http to loopback. */
export function checkBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AirflowProblem('insecure', `"${raw}" is not a valid Airflow URL (expected something like https://airflow.example.com).`);
  }
  if (url.username || url.password) throw new AirflowProblem('insecure', 'Put the Airflow user name and password in the sign-in prompt, not in the URL.');
  const loopback = LOOPBACK.has(url.hostname) || /^127\./.test(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) {
    url.pathname = url.pathname.replace(/\/+$/, '');
    url.search = '';
    url.hash = '';
    return url;
  }
  throw new AirflowProblem('insecure', `Refusing to send Airflow credentials to ${url.origin}: use https (plain http only for localhost).`);
}

/** The base URL as the key for secrets and state: origin plus path, no trailing slash. */
export function normalizeBaseUrl(raw: string): string {
  const url = checkBaseUrl(raw);
  return (url.origin + url.pathname).replace(/\/+$/, '');
}

/** `exp` of a JWT in ms since epoch; undefined when the token is not a JWT or has none. */
export function jwtExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as { exp?: unknown; iat?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** `/dags` -> `/api/v2/dags`: callers write one path where v1 and v2 agree. */
export function apiPath(api: AirflowApiVersion, path: string): string {
  return `/api/${api}${path.startsWith('/') ? path : `/${path}`}`;
}

/** The `detail` of an Airflow error body (FastAPI: string or validation list; connexion: string), shortened. */
export function errorDetail(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  // FastAPI and connexion say `detail`; Airflow 3's unknown routes say `error`.
  const detail = (parsed as { detail?: unknown; error?: unknown } | null)?.detail ?? (parsed as { error?: unknown } | null)?.error;
  let text: string | undefined;
  if (typeof detail === 'string') text = detail;
  else if (Array.isArray(detail)) text = detail.map((d) => (d as { msg?: string }).msg).filter(Boolean).join('; ');
  else if (detail && typeof detail === 'object') text = (detail as { reason?: string; message?: string }).reason ?? (detail as { message?: string }).message;
  text = text?.replace(/\s+/g, ' ').trim();
  return text ? (text.length > 300 ? `${text.slice(0, 297)}...` : text) : undefined;
}

/** Ends a sentence that may end in an API's detail without a full stop. */
const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

const looksHtml = (contentType: string, body: string) => /html/i.test(contentType) || /^\s*</.test(body);

export interface Page<T> {
  items: T[];
  total: number;
}

/** A list response: the items under `key` and `total_entries` (both API versions). */
type ListBody = Record<string, unknown> & { total_entries?: number };

export class AirflowClient {
  /** Requests made (token requests included), for the bench and the log. */
  requests = 0;
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly credentials: AirflowCredentials;
  private token?: { value: string; renewAt: number };
  private renewing?: Promise<string>;

  private constructor(opts: AirflowClientOptions, readonly version: AirflowVersion) {
    this.baseUrl = normalizeBaseUrl(opts.baseUrl);
    this.fetchFn = opts.fetch ?? ((url, init) => fetch(url, init));
    this.logger = opts.logger ?? silentLogger;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.concurrency = opts.concurrency ?? 4;
    this.now = opts.now ?? Date.now;
    this.credentials = opts.credentials;
  }

  get api(): AirflowApiVersion {
    return this.version.api;
  }

  /**
   * Asks the server its version (/api/v2/version, then /api/v1/version) and, for Airflow 3 with a
   * password, signs in at once so wrong credentials are reported here.
   */
  static async connect(opts: AirflowClientOptions, signal?: AbortSignal): Promise<AirflowClient> {
    const probe = new AirflowClient(opts, { api: 'v2', version: '' });
    const version = await probe.detectVersion(signal);
    const client = new AirflowClient(opts, version);
    client.requests = probe.requests;
    if (version.api === 'v2' && opts.credentials.kind === 'password') await client.bearer(signal);
    return client;
  }

  private async detectVersion(signal?: AbortSignal): Promise<AirflowVersion> {
    let firstProblem: AirflowProblem | undefined;
    for (const api of ['v2', 'v1'] as const) {
      const path = apiPath(api, '/version');
      const res = await this.send('GET', path, { signal });
      if (res.status === 200 && !looksHtml(res.contentType, res.body)) {
        let version: unknown;
        try {
          version = (JSON.parse(res.body) as { version?: unknown }).version;
        } catch { /* not JSON */ }
        if (typeof version === 'string') return { api, version };
      }
      // A 404 for v2 means "try v1"; anything else (HTML, 5xx) is what the user must hear about.
      const problem = res.status === 200 && !looksHtml(res.contentType, res.body)
        ? new AirflowProblem('notAirflow', `${this.origin} answered GET ${path} with something that is not an Airflow version.`)
        : this.problem(res, 'GET', path);
      if (res.status !== 404) firstProblem ??= problem;
    }
    throw firstProblem ?? new AirflowProblem('notAirflow', `${this.baseUrl} has no Airflow REST API (neither /api/v2/version nor /api/v1/version answered).`);
  }

  private get origin(): string {
    return new URL(this.baseUrl).origin;
  }

  /** GET an API path (`/dags`, `/dags/etl/dagRuns`); `query` values that are undefined are left out. */
  async get<T>(path: string, query?: Record<string, string | number | boolean | readonly string[] | undefined>, signal?: AbortSignal): Promise<T> {
    return this.json<T>('GET', path, { query, signal });
  }

  async post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>('POST', path, { body, signal });
  }

  async patch<T>(path: string, body: unknown, query?: Record<string, string | number | boolean | readonly string[] | undefined>, signal?: AbortSignal): Promise<T> {
    return this.json<T>('PATCH', path, { body, query, signal });
  }

  /**
   * Every item of a list endpoint: the first page at the API's limit, then the remaining offsets
   * with bounded parallelism, in order. `onPage` sees the first page as soon as it arrives (the
   * first screen) and every later one. A server with a lower page limit is noticed from the first
   * page's size and paged at that size.
   */
  async getAll<T>(
    path: string,
    key: string,
    query: Record<string, string | number | boolean | readonly string[] | undefined> = {},
    opts: { signal?: AbortSignal; onPage?: (page: Page<T>) => void; sequential?: boolean } = {},
  ): Promise<Page<T>> {
    const pageAt = async (offset: number, limit: number): Promise<Page<T>> => {
      const body = await this.get<ListBody>(path, { ...query, offset, limit }, opts.signal);
      const items = body[key];
      if (!Array.isArray(items)) throw new AirflowProblem('malformed', `${this.origin} answered GET ${apiPath(this.api, path)} without a "${key}" list.`);
      return { items: items as T[], total: typeof body.total_entries === 'number' ? body.total_entries : items.length };
    };
    const first = await pageAt(0, PAGE_LIMIT);
    opts.onPage?.(first);
    const size = first.items.length;
    if (size === 0 || size >= first.total) return first;
    const offsets: number[] = [];
    for (let o = size; o < first.total; o += size) offsets.push(o);
    const rest = await mapLimit(offsets, opts.sequential ? 1 : this.concurrency, async (o) => {
      const page = await pageAt(o, size);
      opts.onPage?.(page);
      return page.items;
    });
    return { items: [...first.items, ...rest.flat()], total: first.total };
  }

  private async json<T>(method: string, path: string, opts: { query?: Record<string, unknown>; body?: unknown; signal?: AbortSignal }): Promise<T> {
    const full = apiPath(this.api, path);
    const url = new URL(this.baseUrl + full);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v === undefined || v === '') continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else url.searchParams.set(k, String(v));
    }
    const target = full + url.search;
    let res = await this.send(method, target, { body: opts.body, auth: await this.authorization(opts.signal), signal: opts.signal });
    if (res.status === 401 && this.api === 'v2' && this.credentials.kind === 'password') {
      // The token may have been revoked or the server's clock is ahead: sign in once more.
      this.token = undefined;
      res = await this.send(method, target, { body: opts.body, auth: await this.authorization(opts.signal), signal: opts.signal });
    }
    if (res.status < 200 || res.status >= 300) throw this.problem(res, method, full);
    if (res.status === 204 || res.body === '') return undefined as T;
    if (looksHtml(res.contentType, res.body)) throw this.problem(res, method, full);
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new AirflowProblem('malformed', `${this.origin} answered ${method} ${full} with something that is not JSON.`, res.status);
    }
  }

  private async authorization(signal?: AbortSignal): Promise<string> {
    const c = this.credentials;
    if (c.kind === 'token') return `Bearer ${c.token}`;
    if (this.api === 'v1') return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
    return `Bearer ${await this.bearer(signal)}`;
  }

  /** A JWT for Airflow 3, renewed before it expires; concurrent callers share one sign-in. */
  private async bearer(signal?: AbortSignal): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    this.renewing ??= this.signIn(signal).finally(() => { this.renewing = undefined; });
    return this.renewing;
  }

  private async signIn(signal?: AbortSignal): Promise<string> {
    const c = this.credentials;
    if (c.kind !== 'password') throw new AirflowProblem('auth', 'A pasted token cannot be renewed: sign in again.');
    const res = await this.send('POST', '/auth/token', { body: { username: c.username, password: c.password }, signal });
    if (res.status === 404 || res.status === 405) {
      throw new AirflowProblem('noTokenEndpoint', `${this.origin} hands out no API tokens at /auth/token (HTTP ${res.status}): its auth manager needs a token you paste instead of a password.`, res.status);
    }
    if (res.status < 200 || res.status >= 300) throw this.problem(res, 'POST', '/auth/token');
    let value: unknown;
    try {
      value = (JSON.parse(res.body) as { access_token?: unknown }).access_token;
    } catch { /* below */ }
    if (typeof value !== 'string' || !value) {
      throw looksHtml(res.contentType, res.body)
        ? this.problem(res, 'POST', '/auth/token')
        : new AirflowProblem('noTokenEndpoint', `${this.origin} answered POST /auth/token without an access token: its auth manager needs a token you paste instead of a password.`, res.status);
    }
    const issued = this.now();
    const exp = jwtExpiry(value);
    // A minute before exp, or at 80% of a lifetime shorter than five minutes.
    const renewAt = exp === undefined ? issued + 5 * 60_000 : exp - Math.min(RENEW_BEFORE_MS, 0.2 * Math.max(0, exp - issued));
    this.token = { value, renewAt };
    return value;
  }

  /** One HTTP exchange with a timeout; network failures and timeouts become problems here. */
  private async send(method: string, target: string, opts: { body?: unknown; auth?: string; signal?: AbortSignal }): Promise<{ status: number; body: string; contentType: string }> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.auth) headers.Authorization = opts.auth;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const pathOnly = target.split('?')[0];
    this.requests++;
    const started = performance.now();
    try {
      const response = await this.fetchFn(this.baseUrl + target, {
        method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal, redirect: 'manual',
      });
      const body = await response.text();
      this.logger.debug(`airflow ${method} ${pathOnly} -> ${response.status} in ${(performance.now() - started).toFixed(0)} ms`);
      return { status: response.status, body, contentType: response.headers.get('content-type') ?? '' };
    } catch (err) {
      if (opts.signal?.aborted) throw new AirflowProblem('aborted', 'The request was cancelled.');
      if (timeout.aborted) throw new AirflowProblem('timeout', `${this.origin} did not answer ${method} ${pathOnly} within ${Math.round(this.timeoutMs / 1000)} s.`);
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      throw new AirflowProblem('network', `Could not reach ${this.origin} (${cause?.code ?? cause?.message ?? (err as Error).message}).`);
    }
  }

  private problem(res: { status: number; body: string; contentType: string }, method: string, path: string): AirflowProblem {
    const where = `${method} ${path}`;
    if (res.status >= 300 && res.status < 400) {
      return new AirflowProblem('html', `${this.origin} redirected ${where} (HTTP ${res.status}), probably to a login page in front of Airflow: use the URL of the API itself.`, res.status);
    }
    const detail = errorDetail(res.body);
    if (!detail && looksHtml(res.contentType, res.body)) {
      return new AirflowProblem('html', `${this.origin} answered ${where} with a web page (HTTP ${res.status}), not the Airflow API: a proxy or load balancer is in the way or Airflow is not up behind it.`, res.status);
    }
    const said = detail ? `: ${detail}` : '';
    switch (res.status) {
      case 401: return new AirflowProblem('auth', sentence(`Airflow at ${this.origin} did not accept the credentials${said}`), 401, detail);
      case 403: return new AirflowProblem('forbidden', sentence(`The Airflow user may not do ${where} on ${this.origin}${said}`), 403, detail);
      case 404: return new AirflowProblem('notFound', detail ? sentence(`Airflow at ${this.origin} says: ${detail}`) : `${this.origin} has no ${path} (HTTP 404).`, 404, detail);
      default: return new AirflowProblem('http', sentence(`Airflow at ${this.origin} answered ${where} with HTTP ${res.status}${said}`), res.status, detail);
    }
  }
}
