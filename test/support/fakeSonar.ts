// A local SonarCloud: answers the Web API endpoints the extension reads, in their documented
// shapes, with paging (ps <= 500, nothing past 10,000), Bearer-token checks, 403/404s and latency.
// Seeded in process, or over /__control/* from another process (the extension host under test).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { ProjectStatus, SonarBranch, SonarHotspot, SonarIssue, SonarPullRequest, SonarRule } from '../../src/core/sonar/api';

export interface FakeSonarProject {
  key: string;
  organization: string;
  branches: SonarBranch[];
  /** Branch name -> unresolved issues. */
  issues: Record<string, SonarIssue[]>;
  hotspots: Record<string, SonarHotspot[]>;
  gate: Record<string, ProjectStatus>;
  revision: Record<string, string>;
  /** Analysed pull requests; their issues, hotspots and gate are keyed `pr:<key>` in the maps above. */
  pullRequests?: SonarPullRequest[];
  /** Requests for this project answer 403. */
  forbidden?: boolean;
}

export interface Fault {
  kind: 'status' | 'truncated' | 'missing';
  status?: number;
  page?: number;
}

export interface SonarRequest {
  path: string;
  query: Record<string, string>;
  authorized: boolean;
  at: number;
}

export const FAKE_SONAR_TOKEN = 'squ_fake_token_0123456789';

export class FakeSonar {
  token = FAKE_SONAR_TOKEN;
  latencyMs = 0;
  readonly requests: SonarRequest[] = [];
  readonly projects = new Map<string, FakeSonarProject>();
  readonly rules = new Map<string, SonarRule>();
  /** API paths that answer 200 with an HTML page instead of JSON (a proxy's error page). */
  readonly broken = new Set<string>();
  /** Faults by API path: an HTTP status (with Sonar's error body), a JSON body cut off mid-way, or an endpoint the server does not have; `page` limits it to one page. */
  readonly faults = new Map<string, Fault>();
  /** When the last answer of each API path was sent (Date.now()), for the bench's "last page" time. */
  readonly answeredAt = new Map<string, number>();
  /** Most requests that were in flight at once. */
  peakInFlight = 0;
  private inFlight = 0;
  url = '';
  private server: http.Server | undefined;

  seed(project: FakeSonarProject): void {
    this.projects.set(project.key, project);
  }

  reset(): void {
    this.projects.clear();
    this.requests.length = 0;
    this.broken.clear();
    this.faults.clear();
    this.peakInFlight = 0;
    this.latencyMs = 0;
    this.token = FAKE_SONAR_TOKEN;
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body), () => this.answeredAt.set(url.pathname.replace(/^\//, ''), Date.now()));
    };
    if (url.pathname.startsWith('/__control/')) {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      send(200, this.control(url.pathname.slice('/__control/'.length), raw ? JSON.parse(raw) : {}));
      return;
    }
    const path = url.pathname.replace(/^\//, '');
    const query = Object.fromEntries(url.searchParams);
    const authorized = req.headers.authorization === `Bearer ${this.token}`;
    this.requests.push({ path, query, authorized, at: Date.now() });
    this.peakInFlight = Math.max(this.peakInFlight, ++this.inFlight);
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    this.inFlight--;
    if (this.broken.has(path)) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
      return;
    }
    const fault = this.faults.get(path);
    if (fault && (fault.page === undefined || String(fault.page) === (query.p ?? '1')) && authorized) {
      if (fault.kind === 'status') return send(fault.status ?? 500, { errors: [{ msg: 'An error has occurred. Please contact your administrator' }] });
      if (fault.kind === 'missing') return send(404, { errors: [{ msg: `Unknown url : /${path}` }] });
      // A page cut off mid-way, as a proxy that times out delivers it: 200, half the JSON.
      const [, body] = this.answer(path, query, authorized);
      const text = JSON.stringify(body);
      return send(200, text.slice(0, Math.floor(text.length / 2)));
    }
    const [status, body] = this.answer(path, query, authorized);
    send(status, body);
  }

  private control(action: string, body: Record<string, unknown>): unknown {
    switch (action) {
      case 'seed': this.seed(body as unknown as FakeSonarProject); return {};
      case 'reset': this.reset(); return {};
      case 'latency': this.latencyMs = Number(body.ms ?? 0); return {};
      case 'token': this.token = String(body.token); return {};
      case 'break': this.broken.add(String(body.path)); return {};
      case 'fault': this.faults.set(String(body.path), body as unknown as Fault); return {};
      case 'clearFaults': this.faults.clear(); this.broken.clear(); return {};
      case 'seedGenerated': {
        const project = sampleProject();
        this.seed({ ...project, issues: { main: generatedIssues(Number(body.count), Number(body.files)) } });
        return {};
      }
      case 'seedLarge': this.seed(largeProject(Number(body.count ?? LARGE_ISSUES))); return {};
      case 'requests': return { requests: this.requests };
      default: return { error: `unknown control action ${action}` };
    }
  }

  private answer(path: string, q: Record<string, string>, authorized: boolean): [number, unknown] {
    const error = (status: number, msg: string): [number, unknown] => [status, { errors: [{ msg }] }];
    if (path === 'api/authentication/validate') return [200, { valid: authorized }];
    if (!authorized) return [401, ''];
    if (path === 'api/rules/show') {
      const rule = this.rules.get(q.key ?? '');
      return rule ? [200, { rule }] : error(404, `Rule '${q.key}' not found`);
    }
    // `componentKeys` is deprecated but still answered, as SonarCloud does.
    const key = q.components ?? q.componentKeys ?? q.projectKey ?? q.project ?? '';
    const project = this.projects.get(key);
    if (!project) return error(404, `Component key '${key}' not found`);
    if (project.forbidden) return error(403, 'Insufficient privileges');
    const main = project.branches.find((b) => b.isMain)?.name ?? 'main';
    const pr = q.pullRequest ? project.pullRequests?.find((p) => p.key === q.pullRequest) : undefined;
    if (q.pullRequest && !pr) return error(404, `Pull request '${q.pullRequest}' in project '${key}' not found`);
    const branch = pr ? `pr:${pr.key}` : q.branch || main;
    if (!pr && !project.branches.some((b) => b.name === branch)) return error(404, `Component '${key}' on branch '${branch}' not found`);
    switch (path) {
      case 'api/project_branches/list':
        return [200, { branches: project.branches.map((b) => ({ name: b.name, isMain: Boolean(b.isMain), type: 'BRANCH' })) }];
      case 'api/project_pull_requests/list':
        return [200, { pullRequests: project.pullRequests ?? [] }];
      case 'api/issues/search': {
        const all = (project.issues[branch] ?? []).filter(() => q.resolved === 'false');
        return this.page(all, q, (issues) => ({ issues, components: components(issues.map((i) => i.component)) }), 'issues');
      }
      case 'api/hotspots/search': {
        const all = q.status === 'TO_REVIEW' ? project.hotspots[branch] ?? [] : [];
        return this.page(all, q, (hotspots) => ({ hotspots, components: components(hotspots.map((h) => h.component)) }), 'hotspots');
      }
      case 'api/qualitygates/project_status': {
        const gate = project.gate[branch];
        return gate ? [200, { projectStatus: gate }] : [200, { projectStatus: { status: 'NONE', conditions: [] } }];
      }
      case 'api/project_analyses/search': {
        const revision = project.revision[branch];
        return [200, { paging: { pageIndex: 1, pageSize: 1, total: revision ? 1 : 0 }, analyses: revision ? [{ key: `A-${branch}`, date: '2026-11-23T10:00:00+0000', revision }] : [] }];
      }
      default:
        return error(404, `Unknown url : /${path}`);
    }
  }

  private page<T>(all: T[], q: Record<string, string>, shape: (items: T[]) => object, name: string): [number, unknown] {
    const ps = Math.min(Number(q.ps ?? 100), 500);
    const p = Number(q.p ?? 1);
    if (p * ps > 10_000 && name === 'issues') return [400, { errors: [{ msg: 'Can return only the first 10000 results. 10500th result asked.' }] }];
    const items = all.slice((p - 1) * ps, p * ps);
    return [200, { total: all.length, p, ps, paging: { pageIndex: p, pageSize: ps, total: all.length }, ...shape(items) }];
  }
}

function components(keys: string[]): { key: string; path: string; qualifier: string }[] {
  return [...new Set(keys)].map((key) => ({ key, path: key.slice(key.indexOf(':') + 1), qualifier: 'FIL' }));
}

/** Calls a control action of a fake running in another process. */
export async function controlSonar(url: string, action: string, body: object = {}): Promise<unknown> {
  const res = await fetch(`${url}/__control/${action}`, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

export const SAMPLE_PROJECT_KEY = 'airflow-ecs_dags';
export const SAMPLE_ORGANIZATION = 'airflow-ecs';
export const SAMPLE_REVISION = '0000000000000000000000000000000000000abc';

const range = (line: number, start: number, end: number) => ({ startLine: line, endLine: line, startOffset: start, endOffset: end });

/** Findings on sample-dags/ as SonarCloud reports them for the bad tempfile DAG and its neighbours. */
export function sampleIssues(projectKey = SAMPLE_PROJECT_KEY): SonarIssue[] {
  const c = (p: string) => `${projectKey}:${p}`;
  return [
    {
      key: 'AYx-mktemp', rule: 'python:S5445', severity: 'CRITICAL', impacts: [{ softwareQuality: 'SECURITY', severity: 'HIGH' }],
      component: c('dags/bad_tempfile_example.py'), line: 43, textRange: range(43, 15, 30), type: 'VULNERABILITY',
      message: "Use 'NamedTemporaryFile' instead of 'mktemp'.",
      flows: [{ locations: [{ component: c('dags/bad_tempfile_example.py'), textRange: range(44, 18, 22), msg: 'The file is opened here, after its name was chosen.' }] }],
    },
    {
      key: 'AYx-import', rule: 'python:S1128', severity: 'MINOR', component: c('dags/etl_taskflow.py'), line: 9, type: 'CODE_SMELL',
      message: 'Remove this unused import of "timedelta".',
    },
    {
      key: 'AYx-beyond', rule: 'python:S1135', severity: 'INFO', impacts: [{ softwareQuality: 'MAINTAINABILITY', severity: 'LOW' }],
      component: c('dags/sensor_branching.py'), line: 400, textRange: range(400, 4, 20), type: 'CODE_SMELL',
      message: 'Complete the task associated to this "TODO" comment.',
    },
    {
      key: 'AYx-gone', rule: 'python:S1481', severity: 'MAJOR', component: c('dags/removed_dag.py'), line: 3, type: 'BUG',
      message: 'Remove the unused local variable "x".',
    },
  ];
}

export function sampleHotspots(projectKey = SAMPLE_PROJECT_KEY): SonarHotspot[] {
  return [{
    key: 'AYx-tmpdir', component: `${projectKey}:dags/bad_tempfile_example.py`, line: 47, textRange: range(47, 18, 43),
    message: 'Make sure publicly writable directories are used safely here.', vulnerabilityProbability: 'MEDIUM',
    securityCategory: 'insecure-conf', status: 'TO_REVIEW', ruleKey: 'python:S5443',
  }];
}

export const FAILING_GATE: ProjectStatus = {
  status: 'ERROR',
  conditions: [
    { status: 'ERROR', metricKey: 'new_security_rating', comparator: 'GT', errorThreshold: '1', actualValue: '5' },
    { status: 'OK', metricKey: 'new_reliability_rating', comparator: 'GT', errorThreshold: '1', actualValue: '1' },
    { status: 'OK', metricKey: 'new_duplicated_lines_density', comparator: 'GT', errorThreshold: '3', actualValue: '0.0' },
  ],
};

/** The sample-dags project: only `main` analysed, the gate failing on new_security_rating. */
export function sampleProject(): FakeSonarProject {
  return {
    key: SAMPLE_PROJECT_KEY,
    organization: SAMPLE_ORGANIZATION,
    branches: [{ name: 'main', isMain: true }],
    issues: { main: sampleIssues() },
    hotspots: { main: sampleHotspots() },
    gate: { main: FAILING_GATE },
    revision: { main: SAMPLE_REVISION },
  };
}

export const SAMPLE_RULE: SonarRule = {
  key: 'python:S5445', name: 'Insecure temporary file creation methods should not be used', type: 'VULNERABILITY', severity: 'CRITICAL',
  lang: 'py', langName: 'Python',
  descriptionSections: [{ key: 'root_cause', content: '<p>Creating temporary files using insecure methods exposes the application to race conditions.</p>' }],
};

export async function startFakeSonar(): Promise<FakeSonar> {
  const sonar = new FakeSonar();
  sonar.rules.set(SAMPLE_RULE.key, SAMPLE_RULE);
  await sonar.start();
  return sonar;
}

/** `count` issues spread over `files` files dags/f<N>.py, each on one of their first 40 lines. */
export function generatedIssues(count: number, files: number, projectKey = SAMPLE_PROJECT_KEY): SonarIssue[] {
  const severities = ['BLOCKER', 'CRITICAL', 'MAJOR', 'MINOR', 'INFO'];
  return Array.from({ length: count }, (_, i) => ({
    key: `GEN-${i}`, rule: `python:S${1000 + (i % 90)}`, severity: severities[i % 5],
    impacts: i % 2 ? [{ softwareQuality: 'MAINTAINABILITY', severity: 'MEDIUM' }] : undefined,
    component: `${projectKey}:dags/f${i % files}.py`, line: 1 + (i % 40),
    textRange: { startLine: 1 + (i % 40), endLine: 1 + (i % 40), startOffset: 2, endOffset: 12 },
    message: `Generated finding ${i}.`, type: 'CODE_SMELL',
  }));
}

export const LARGE_ISSUES = 10_500;
export const LARGE_FILES = 500;
const LARGE_LINES = 40;
export const largeFile = (n: number) => `dags/generated/dag_${String(n).padStart(4, '0')}.py`;

/**
 * A large project: `count` issues spread round-robin over LARGE_FILES files dags/generated/dag_NNNN.py
 * (so the first 10,000 the API returns touch every file), every severity, on lines 1..40.
 */
export function largeProject(count = LARGE_ISSUES): FakeSonarProject {
  const severities = ['BLOCKER', 'CRITICAL', 'MAJOR', 'MINOR', 'INFO'];
  const issues: SonarIssue[] = Array.from({ length: count }, (_, i) => {
    const line = 1 + (Math.floor(i / LARGE_FILES) % LARGE_LINES);
    return {
      key: `LARGE-${i}`, rule: `python:S${1000 + (i % 90)}`, severity: severities[i % 5],
      component: `${SAMPLE_PROJECT_KEY}:${largeFile(i % LARGE_FILES)}`, line,
      textRange: { startLine: line, endLine: line, startOffset: 0, endOffset: 8 },
      message: `Large finding ${i}.`, type: 'CODE_SMELL',
    };
  });
  return { ...sampleProject(), issues: { main: issues }, hotspots: { main: [] } };
}

/** Writes the files the large project's findings are on (and its sonar-project.properties) into `dir`. */
export function writeLargeWorkspace(dir: string): void {
  fs.mkdirSync(nodePath.join(dir, 'dags', 'generated'), { recursive: true });
  fs.writeFileSync(nodePath.join(dir, 'sonar-project.properties'), `sonar.organization=${SAMPLE_ORGANIZATION}\nsonar.projectKey=${SAMPLE_PROJECT_KEY}\nsonar.sources=.\n`);
  const body = Array.from({ length: LARGE_LINES }, (_, i) => `value_${i} = compute(${i})  # line ${i + 1}`).join('\n') + '\n';
  for (let f = 0; f < LARGE_FILES; f++) fs.writeFileSync(nodePath.join(dir, largeFile(f)), body);
}

/** The fake on its own thread, so its JSON work does not share the event loop being measured. */
export async function startFakeSonarThread(): Promise<{ url: string; close(): Promise<void> }> {
  const worker = new Worker(__filename);
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { url, close: async () => { await worker.terminate(); } };
}

if (parentPort) {
  const port = parentPort;
  void startFakeSonar().then((sonar) => port.postMessage(sonar.url));
}
