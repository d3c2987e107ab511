import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { readGitState, type GitState } from '../../core/git/git';
import type { ProjectStatus, SonarComponent, SonarHotspot, SonarIssue, SonarPullRequest } from '../../core/sonar/api';
import { SonarClient, SonarProblem, type AnalysisTarget } from '../../core/sonar/client';
import { demoSonarToken } from '../../core/sonar/demoToken';
import { clockTime, formatCount } from '../../core/sonar/format';
import { gateView, type GateView } from '../../core/sonar/gate';
import { failureSentence, loadAnalysis, type Part } from '../../core/sonar/load';
import {
  clampRange, ComponentResolver, mapFindings, SEVERITIES, sonarUrls, type Finding, type FindingRange, type Severity,
} from '../../core/sonar/mapping';
import { parseProperties, sonarProject, tokenHostCheck, type SonarProject } from '../../core/sonar/properties';
import { describeFailure, UserFacingError } from '../../platform/errors';
import { workspaceTrusted } from '../../platform/processes';
import { openSetting, readSettings } from '../../platform/settings';
import { DIAGNOSTIC_SOURCE, QUALITY_STATE_KEY } from './commandIds';
import { DiagnosticPublisher } from './diagnosticPublisher';

const PROPERTIES_FILE = 'sonar-project.properties';
const DIAGNOSTIC_SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export type ServerOrigin = {
  kind: 'server';
  target: AnalysisTarget;
  /** The pull request shown, when the target is one. */
  pullRequest?: SonarPullRequest;
  localBranch?: string;
  /** Why another branch than the local one is shown. */
  fallback?: string;
  /** Analysed pull requests of the local branch, offered next to the branch. */
  branchPullRequests: SonarPullRequest[];
  branchAnalysed: boolean;
};

/** What the status bar and the Quality view show. */
export interface QualitySnapshot {
  project: SonarProject;
  /** Where the findings came from: the server's branch or pull request, or an imported file. */
  origin: ServerOrigin | { kind: 'file'; name: string; /** Issues the file holds. */ held: number };
  gate?: GateView;
  counts: Record<Severity, number>;
  files: { file: string; counts: Record<Severity, number> }[];
  /** Findings of this project on files that are not in the workspace. */
  unmapped: number;
  /** Findings whose component belongs to another project key. */
  foreign: number;
  /** Findings below airflowEcs.sonar.minimumSeverity, not published. */
  belowMinimum: number;
  minimumSeverity: Severity;
  /** Findings the 10,000 cap of api/issues/search left out (server), or the file does not hold (import). */
  leftOut: number;
  /** Set when the analysis is of another commit than the working tree's HEAD. */
  stale?: { analysed: string; head: string };
  /** One sentence per part of the load that failed. */
  failures: string[];
  /** When the whole last refresh failed: "Findings as of 10:42, the last refresh failed: …". */
  asOf?: string;
}

interface RawFindings {
  issues: SonarIssue[];
  hotspots: SonarHotspot[];
  components: SonarComponent[];
}

/** The last complete answer of each part, per host/project/target: a failed part falls back to it. */
interface LastGood {
  key: string;
  parts: Partial<Record<'issues' | 'hotspots' | 'gate', { at: Date; value: unknown }>>;
}

const tokenKey = (host: string) => `airflowEcs.sonar.token:${host}`;
const targetKey = (project: SonarProject, t: AnalysisTarget) => `${project.host}|${project.projectKey}|${t.pullRequest ? `pr:${t.pullRequest}` : `branch:${t.branch ?? ''}`}`;
/** Hosts named by a workspace file that the user agreed to send a token to (global state). */
const CONFIRMED_HOSTS_KEY = 'airflowEcs.sonar.confirmedHosts';

/** Fetches findings and the gate, publishes diagnostics, and remembers what it showed. */
export class QualityService implements vscode.Disposable {
  private readonly publisher = new DiagnosticPublisher(DIAGNOSTIC_SOURCE);
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private findings = new Map<string, Finding[]>();
  snapshot: QualitySnapshot | undefined;
  /** The last refresh failure, shown in the view until the next success. */
  failure: unknown;
  /** The pull request picked in the Quality view, or 'branch' when the branch was picked over one. */
  choice: { pullRequest?: string; preferBranch?: boolean } = {};
  /** Time of the last publish of diagnostics, for the log and the bench. */
  lastPublish: { ms: number; buildMs: number; mapMs?: number; calls: number; diagnostics: number } | undefined;
  private git: GitState | undefined;
  /** Counts refreshes: only the latest may change what is shown. */
  private generation = 0;
  private ruleUrl: (rule: string) => string = (rule) => rule;
  private lastGood: LastGood | undefined;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly logger: Logger, private readonly globalState: vscode.Memento) {}

  dispose(): void {
    this.publisher.dispose();
    this.changed.dispose();
  }

  /** The first workspace folder with a sonar-project.properties, merged with the settings. */
  async findProject(): Promise<SonarProject | undefined> {
    const overrides = readSettings().sonar;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const file = vscode.Uri.joinPath(folder.uri, PROPERTIES_FILE);
      let text: string;
      try {
        text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
      } catch {
        continue;
      }
      const project = sonarProject(parseProperties(text), folder.uri.fsPath, overrides);
      if (project) return project;
    }
    const first = vscode.workspace.workspaceFolders?.[0];
    return first ? sonarProject(new Map(), first.uri.fsPath, overrides) : undefined;
  }

  async requireProject(): Promise<SonarProject> {
    const project = await this.findProject();
    if (!project) {
      throw new UserFacingError(`No ${PROPERTIES_FILE} with sonar.projectKey in this workspace. Add one, or set airflowEcs.sonar.projectKey.`, [
        { title: 'Open Settings', run: () => openSetting('sonar.projectKey') },
      ]);
    }
    return project;
  }

  /** The stored token, when it may be sent to the project's host (see tokenHostCheck). */
  async token(project: SonarProject): Promise<string | undefined> {
    return this.hostCheck(project) === 'send' ? this.secrets.get(tokenKey(project.host)) : undefined;
  }

  private hostCheck(project: SonarProject): 'send' | 'ask' | 'refuse' {
    const confirmed = this.globalState.get<string[]>(CONFIRMED_HOSTS_KEY, []).includes(project.host);
    return tokenHostCheck(project, { trusted: workspaceTrusted(), confirmed });
  }

  /**
   * Before a token is first sent to a host that sonar-project.properties names: refused in an
   * untrusted workspace, else asked once per host (remembered in global state).
   */
  async allowTokenTo(project: SonarProject): Promise<void> {
    const check = this.hostCheck(project);
    if (check === 'refuse') throw untrustedHost(project);
    if (check === 'send') return;
    const send = 'Send Token';
    const answer = await vscode.window.showWarningMessage(`Send your SonarCloud token to ${project.host} named by ${PROPERTIES_FILE}?`, {
      modal: true,
      detail: 'The host comes from a file in this workspace, not from your settings. Only send a token to a server you know.',
    }, send);
    if (answer !== send) throw new vscode.CancellationError();
    await this.globalState.update(CONFIRMED_HOSTS_KEY, [...this.globalState.get<string[]>(CONFIRMED_HOSTS_KEY, []), project.host]);
  }

  /**
   * The token, or why none is sent: a host of an untrusted workspace's file is refused (with the
   * way out), else a typed "not signed in" problem (the button then says Sign in, not "a new token").
   */
  async requireToken(project: SonarProject): Promise<string> {
    if (this.hostCheck(project) === 'refuse') throw untrustedHost(project);
    const token = await this.token(project);
    if (!token) throw new SonarProblem('unauthorized', `You are not signed in to ${project.host}.`, undefined, false);
    return token;
  }

  async storeToken(project: SonarProject, token: string | undefined): Promise<void> {
    if (token) await this.secrets.store(tokenKey(project.host), token);
    else {
      await this.secrets.delete(tokenKey(project.host));
      // Signed out: what the token showed must not stay on screen.
      if (this.snapshot?.project.host === project.host && this.snapshot.origin.kind === 'server') this.clear();
    }
    await this.updateStateKey();
  }

  /** Drops every finding, the gate and the remembered answers (sign out, another host or project). */
  clear(): void {
    this.generation++;
    this.publisher.clear();
    this.findings = new Map();
    this.snapshot = undefined;
    this.failure = undefined;
    this.lastGood = undefined;
    this.choice = {};
    this.changed.fire();
  }

  /** After a settings change: data of another host or project key is not this project's. */
  async checkProjectChanged(): Promise<void> {
    const shown = this.snapshot?.project;
    if (!shown) return;
    const project = await this.findProject();
    if (!project || project.host !== shown.host || project.projectKey !== shown.projectKey) this.clear();
  }

  /**
   * Signs in to the local server of `npm start`'s demo with the token it passes (see demoToken.ts).
   * Each demo run has a new token, and the browser keeps secrets across runs: replace an old one.
   */
  async seedDemoToken(): Promise<void> {
    const project = await this.findProject();
    const token = project && demoSonarToken(project.host, process.env);
    if (!project || !token || (await this.token(project)) === token) return;
    await this.secrets.store(tokenKey(project.host), token);
    this.logger.info(`Sonar: signed in to the demo server ${project.host}.`);
  }

  async updateStateKey(): Promise<void> {
    const project = await this.findProject();
    const state = !project ? 'noProject' : this.hostCheck(project) === 'refuse' ? 'untrustedHost' : (await this.token(project)) ? 'ready' : 'signedOut';
    await vscode.commands.executeCommand('setContext', QUALITY_STATE_KEY, state);
  }

  client(project: SonarProject, token: string | undefined): SonarClient {
    return new SonarClient(project.host, token, this.logger);
  }

  /** The git repository state of the project folder, as of the last refresh. */
  get gitState(): GitState | undefined {
    return this.git;
  }

  /** Reads the branch's (or pull request's) findings and gate from the server and shows them. */
  async refresh(signal?: AbortSignal): Promise<QualitySnapshot> {
    try {
      const snapshot = await this.load(signal);
      this.failure = undefined;
      this.changed.fire();
      return snapshot;
    } catch (err) {
      if (!(err instanceof SonarProblem && err.kind === 'aborted')) {
        this.failure = err;
        this.markAsOf(err);
        this.changed.fire();
      }
      throw err;
    }
  }

  /** A refresh that failed as a whole keeps the last good data, marked with its time. */
  private markAsOf(err: unknown): void {
    const s = this.snapshot;
    if (!s || s.origin.kind !== 'server') return;
    const at = this.lastGood?.parts.issues?.at ?? this.lastGood?.parts.gate?.at;
    // The sentence replaces what the last good load said about its own parts.
    s.failures = [];
    s.asOf = `Findings${s.gate ? ' and gate' : ''} as of ${at ? clockTime(at) : 'the last refresh'}, the last refresh failed: ${describeFailure(err).message}`;
  }

  private async load(signal?: AbortSignal): Promise<QualitySnapshot> {
    // Numbered before any await, so that the order is the order of the calls.
    const generation = ++this.generation;
    const project = await this.requireProject();
    const token = await this.requireToken(project);
    const client = this.client(project, token);
    // Git runs the repository's config, so an untrusted workspace shows the main branch instead.
    const untrusted = !workspaceTrusted();
    this.git = untrusted ? undefined : await readGitState(project.baseDir, signal);
    const localBranch = this.git?.branch;
    const noBranchReason = untrusted ? 'Git does not run in an untrusted workspace'
      : !this.git ? `${project.baseDir} is not in a git repository` : !localBranch ? 'HEAD is detached' : undefined;
    const loaded = await loadAnalysis(client, { projectKey: project.projectKey, localBranch, noBranchReason, ...this.choice }, signal);
    // A refresh that started later (a branch switch, a setting) wins; this one must not overwrite it.
    if (generation !== this.generation) throw new SonarProblem('aborted', 'A newer refresh replaced this one.');
    const { target, failures } = loaded;
    if (loaded.fallback) this.logger.info(`Sonar: ${loaded.fallback}`);
    for (const f of failures) this.logger.warn(`Sonar: ${f.part}: ${f.error.message}`);

    // Nothing of the analysis loaded: the refresh failed; keep what is shown (markAsOf says how old).
    if (!loaded.issues && !loaded.hotspots && !loaded.gate) {
      throw failures.find((f) => f.part === 'issues')?.error ?? failures[0].error;
    }

    const key = targetKey(project, target);
    const previous = this.lastGood?.key === key ? this.lastGood.parts : {};
    const good: LastGood = { key, parts: { ...previous } };
    const now = new Date();
    const sentences: string[] = [];
    /** The part's value: new when it loaded fully, else the last good one (said with its time), else what loaded. */
    const pick = <T>(part: 'issues' | 'hotspots' | 'gate', value: T | undefined, partial: boolean): T | undefined => {
      const failure = failures.find((f) => f.part === part);
      if (value !== undefined && !partial) {
        good.parts[part] = { at: now, value };
        return value;
      }
      const old = previous[part];
      if (failure) sentences.push(failureSentence(failure, !failure.kept && old ? clockTime(old.at) : undefined));
      return value ?? (old?.value as T | undefined);
    };
    for (const f of failures) if (!(['issues', 'hotspots', 'gate'] as Part[]).includes(f.part)) sentences.push(failureSentence(f));
    const issues = pick('issues', loaded.issues && { issues: loaded.issues.issues, components: loaded.issues.components, total: loaded.issues.total }, Boolean(loaded.issues?.failed));
    const hotspots = pick('hotspots', loaded.hotspots && { hotspots: loaded.hotspots.items, components: loaded.hotspots.components }, Boolean(loaded.hotspots?.failed));
    const gate = pick<ProjectStatus>('gate', loaded.gate, false);
    this.lastGood = good;

    this.logger.info(`Sonar: ${issues ? `${issues.issues.length} of ${issues.total} issues` : 'no issues'}, ${hotspots?.hotspots.length ?? 0} hotspots, gate ${gate?.status ?? 'not loaded'}, ${client.requests} requests.`);
    const head = this.git?.head;
    return this.show(project, {
      issues: issues?.issues ?? [], hotspots: hotspots?.hotspots ?? [], components: [...(issues?.components ?? []), ...(hotspots?.components ?? [])],
    }, {
      origin: {
        kind: 'server', target, pullRequest: loaded.pullRequest, localBranch, fallback: loaded.fallback,
        branchPullRequests: loaded.branchPullRequests, branchAnalysed: loaded.branchAnalysed,
      },
      gate: gate && gateView(gate),
      leftOut: issues ? Math.max(0, issues.total - issues.issues.length) : 0,
      stale: loaded.revision && head && loaded.revision !== head ? { analysed: loaded.revision, head } : undefined,
      failures: sentences,
    });
  }

  /** Maps findings to files, publishes them as diagnostics and updates the snapshot. */
  async show(
    project: SonarProject,
    data: RawFindings,
    extra: Pick<QualitySnapshot, 'origin' | 'gate' | 'leftOut' | 'stale' | 'failures'>,
  ): Promise<QualitySnapshot> {
    const mapping = performance.now();
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const resolver = new ComponentResolver(project, (f) => fs.existsSync(f), roots);
    resolver.addComponents(data.components);
    const minimumSeverity = readSettings().sonar.minimumSeverity;
    const mapped = mapFindings(data.issues, data.hotspots, resolver, minimumSeverity);
    if (mapped.unmapped) this.logger.info(`Sonar: ${mapped.unmapped} finding(s) are on files that are not in this workspace; they are not shown.`);
    if (mapped.foreign) this.logger.info(`Sonar: ${mapped.foreign} finding(s) belong to another project than ${project.projectKey}; they are not shown.`);

    this.findings = new Map([...mapped.byFile].map(([file, list]) => [vscode.Uri.file(file).toString(), list]));
    const urls = sonarUrls(project, extra.origin.kind === 'server' ? extra.origin.target : {});
    this.ruleUrl = urls.rule;
    const mapMs = performance.now() - mapping;
    await this.publish();
    if (this.lastPublish) this.lastPublish.mapMs = mapMs;
    this.snapshot = {
      project, unmapped: mapped.unmapped, foreign: mapped.foreign, belowMinimum: mapped.belowMinimum, minimumSeverity, ...extra, ...this.tally(),
    };
    this.changed.fire();
    return this.snapshot;
  }

  /** Counts per severity and per file, from the findings shown. */
  private tally(): Pick<QualitySnapshot, 'counts' | 'files'> {
    const counts = zeroCounts();
    const files: QualitySnapshot['files'] = [];
    for (const list of this.findings.values()) {
      const fileCounts = zeroCounts();
      for (const f of list) {
        counts[f.severity]++;
        fileCounts[f.severity]++;
      }
      files.push({ file: list[0].file, counts: fileCounts });
    }
    files.sort((a, b) => a.file.localeCompare(b.file));
    return { counts, files };
  }

  /** Turns the findings into diagnostics (ranges clamped to the file as it is now) and publishes all of them. */
  private async publish(): Promise<void> {
    const building = performance.now();
    // Every file's line lengths first, in parallel; then the diagnostics in one synchronous pass.
    const files = new Set<string>();
    for (const list of this.findings.values()) for (const f of list) for (const file of [f.file, ...f.related.map((r) => r.file)]) files.add(file);
    const lengths = new Map(await Promise.all([...files].map(async (file) => [file, await lineLengths(file)] as const)));
    const toVsRange = (file: string, range: FindingRange) => {
      const r = clampRange(range, lengths.get(file) ?? []);
      return new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
    };
    const codes = new Map<string, { value: string; target: vscode.Uri }>();
    const code = (rule: string) => {
      let c = codes.get(rule);
      if (!c) codes.set(rule, (c = { value: rule, target: vscode.Uri.parse(this.ruleUrl(rule)) }));
      return c;
    };
    const byFile = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const [key, list] of this.findings) {
      const diagnostics = list.map((f) => {
        const d = new vscode.Diagnostic(toVsRange(f.file, f.range), `${f.type}: ${f.message}`, DIAGNOSTIC_SEVERITY[f.severity]);
        d.source = DIAGNOSTIC_SOURCE;
        if (f.rule) d.code = code(f.rule);
        if (f.related.length) {
          d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(
            new vscode.Location(vscode.Uri.file(r.file), toVsRange(r.file, r.range)), r.message || 'Secondary location'));
        }
        return d;
      });
      byFile.set(key, { uri: vscode.Uri.parse(key), diagnostics });
    }
    const started = performance.now();
    const calls = this.publisher.publish(byFile);
    const diagnostics = [...byFile.values()].reduce((n, e) => n + e.diagnostics.length, 0);
    this.lastPublish = { ms: performance.now() - started, buildMs: started - building, calls, diagnostics };
    this.logger.info(`Sonar: published ${formatCount(diagnostics)} diagnostics on ${formatCount(byFile.size)} files in ${calls} call(s), ${this.lastPublish.ms.toFixed(0)} ms.`);
  }

  /** Drops the findings of files that were deleted since they were shown. */
  async dropMissing(): Promise<void> {
    const s = this.snapshot;
    if (!s) return;
    let dropped = 0;
    for (const [key, list] of this.findings) {
      if (fs.existsSync(list[0].file)) continue;
      this.findings.delete(key);
      dropped += list.length;
    }
    if (!dropped) return;
    this.logger.info(`Sonar: ${dropped} finding(s) dropped: their files were deleted.`);
    await this.publish();
    this.snapshot = { ...s, unmapped: s.unmapped + dropped, ...this.tally() };
    this.changed.fire();
  }

  /** The findings of one file, in the order they appear. */
  findingsOf(uri: vscode.Uri): Finding[] {
    return [...(this.findings.get(uri.toString()) ?? [])].sort((a, b) => a.range.startLine - b.range.startLine || a.range.startCharacter - b.range.startCharacter);
  }

  /** The finding a SonarCloud diagnostic stands for (code actions receive copies, not our objects). */
  findingFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Finding | undefined {
    const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    return this.findings.get(uri.toString())?.find((f) => (f.rule || undefined) === (code === undefined ? undefined : String(code))
      && diagnostic.message === `${f.type}: ${f.message}` && Math.min(f.range.startLine, diagnostic.range.start.line) === diagnostic.range.start.line);
  }

  findingUrl(finding: Finding): string | undefined {
    const s = this.snapshot;
    if (!s) return undefined;
    return sonarUrls(s.project, s.origin.kind === 'server' ? s.origin.target : {}).finding(finding);
  }
}

function untrustedHost(project: SonarProject): UserFacingError {
  return new UserFacingError(`${project.host} is named by the ${PROPERTIES_FILE} of this untrusted workspace, so no token is sent there: trust the folder, or set the Sonar host in your settings.`, [
    { title: 'Manage Workspace Trust', run: () => vscode.commands.executeCommand('workbench.trust.manage') },
    { title: 'Open Settings', run: () => openSetting('sonar.hostUrl') },
  ]);
}

export function zeroCounts(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

/** Line lengths of a file: from the open editor when there is one (it may be unsaved), else from disk. */
async function lineLengths(file: string): Promise<number[]> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === path.resolve(file));
  const text = open ? open.getText() : await fs.promises.readFile(file, 'utf8').catch(() => '');
  return text.split(/\r?\n/).map((l) => l.length);
}
