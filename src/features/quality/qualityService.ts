import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { readGitState, type GitState } from '../../core/git/git';
import type { SonarComponent, SonarHotspot, SonarIssue } from '../../core/sonar/api';
import { SonarClient, SonarProblem } from '../../core/sonar/client';
import { demoSonarToken } from '../../core/sonar/demoToken';
import { gateView, type GateView } from '../../core/sonar/gate';
import {
  clampRange, ComponentResolver, mapFindings, SEVERITIES, sonarUrls, type Finding, type FindingRange, type Severity,
} from '../../core/sonar/mapping';
import { parseProperties, sonarProject, tokenHostCheck, type SonarProject } from '../../core/sonar/properties';
import { UserFacingError } from '../../platform/errors';
import { workspaceTrusted } from '../../platform/processes';
import { openSetting, readSettings } from '../../platform/settings';
import { DIAGNOSTIC_SOURCE, QUALITY_STATE_KEY } from './commandIds';

const PROPERTIES_FILE = 'sonar-project.properties';
const DIAGNOSTIC_SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** What the status bar and the Quality view show. */
export interface QualitySnapshot {
  project: SonarProject;
  /** Where the findings came from: the server's branch, or an imported file. */
  origin: { kind: 'server'; branch?: string; localBranch?: string; /** Why another branch than the local one is shown. */ fallback?: string } | { kind: 'file'; name: string };
  gate?: GateView;
  counts: Record<Severity, number>;
  files: { file: string; counts: Record<Severity, number> }[];
  unmapped: number;
  /** Findings the 10,000 cap of api/issues/search left out. */
  leftOut: number;
  /** Set when the analysis is of another commit than the working tree's HEAD. */
  stale?: { analysed: string; head: string };
}

const tokenKey = (host: string) => `airflowEcs.sonar.token:${host}`;
/** Hosts named by a workspace file that the user agreed to send a token to (global state). */
const CONFIRMED_HOSTS_KEY = 'airflowEcs.sonar.confirmedHosts';

/** Fetches findings and the gate, publishes diagnostics, and remembers what it showed. */
export class QualityService implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private findings = new Map<string, Finding[]>();
  snapshot: QualitySnapshot | undefined;
  /** The last refresh failure, shown in the view until the next success. */
  failure: unknown;
  private git: GitState | undefined;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly logger: Logger, private readonly globalState: vscode.Memento) {}

  dispose(): void {
    this.diagnostics.dispose();
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

  async storeToken(project: SonarProject, token: string | undefined): Promise<void> {
    if (token) await this.secrets.store(tokenKey(project.host), token);
    else await this.secrets.delete(tokenKey(project.host));
    await this.updateStateKey();
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

  /** Reads the branch's findings and gate from the server and shows them. */
  async refresh(signal?: AbortSignal): Promise<QualitySnapshot> {
    try {
      const snapshot = await this.load(signal);
      this.failure = undefined;
      return snapshot;
    } catch (err) {
      if (!(err instanceof SonarProblem && err.kind === 'aborted')) {
        this.failure = err;
        this.changed.fire();
      }
      throw err;
    }
  }

  private async load(signal?: AbortSignal): Promise<QualitySnapshot> {
    const project = await this.requireProject();
    if (this.hostCheck(project) === 'refuse') throw untrustedHost(project);
    const token = await this.token(project);
    if (!token) throw new SonarProblem('unauthorized', `You are not signed in to ${project.host}.`);
    const client = this.client(project, token);
    // Git runs the repository's config, so an untrusted workspace shows the main branch instead.
    const untrusted = !workspaceTrusted();
    this.git = untrusted ? undefined : await readGitState(project.baseDir, signal);
    const localBranch = this.git?.branch;
    const branches = await client.branches(project.projectKey, signal);
    const main = branches.find((b) => b.isMain)?.name;
    const analysed = localBranch && branches.some((b) => b.name === localBranch) ? localBranch : main;
    const shown = analysed ?? 'the main branch';
    const fallback = untrusted ? `Git does not run in an untrusted workspace: showing ${shown}.`
      : !this.git ? `${project.baseDir} is not in a git repository: showing ${shown}.`
      : !localBranch ? `HEAD is detached: showing ${shown}.`
        : analysed !== localBranch ? `Branch ${localBranch} was never analysed: showing ${shown}.` : undefined;
    if (fallback) this.logger.info(`Sonar: ${fallback}`);
    const [issues, hotspots, gate, revision] = await Promise.all([
      client.issues(project.projectKey, analysed, signal),
      client.hotspots(project.projectKey, analysed, signal),
      client.gate(project.projectKey, analysed, signal),
      client.lastAnalysisRevision(project.projectKey, analysed, signal),
    ]);
    this.logger.info(`Sonar: ${issues.issues.length} of ${issues.total} issues in ${issues.pages} page(s), ${hotspots.hotspots.length} hotspots, gate ${gate.status}, ${client.requests} requests.`);
    const head = this.git?.head;
    const snapshot = await this.show(project, { issues: issues.issues, hotspots: hotspots.hotspots, components: [...issues.components, ...hotspots.components] }, {
      origin: { kind: 'server', branch: analysed, localBranch, fallback },
      gate: gateView(gate),
      leftOut: Math.max(0, issues.total - issues.issues.length),
      stale: revision && head && revision !== head ? { analysed: revision, head } : undefined,
    });
    return snapshot;
  }

  /** Maps findings to files, publishes them as diagnostics and updates the snapshot. */
  async show(
    project: SonarProject,
    data: { issues: SonarIssue[]; hotspots: SonarHotspot[]; components: SonarComponent[] },
    extra: Pick<QualitySnapshot, 'origin' | 'gate' | 'leftOut' | 'stale'>,
  ): Promise<QualitySnapshot> {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const resolver = new ComponentResolver(project, (f) => fs.existsSync(f), roots);
    resolver.addComponents(data.components);
    const mapped = mapFindings(data.issues, data.hotspots, resolver);
    if (mapped.unmapped) this.logger.info(`Sonar: ${mapped.unmapped} finding(s) are on files that are not in this workspace; they are not shown.`);

    const urls = sonarUrls(project, extra.origin.kind === 'server' ? extra.origin.branch : undefined);
    const lineCache = new Map<string, Promise<number[]>>();
    const lines = (file: string) => {
      let p = lineCache.get(file);
      if (!p) lineCache.set(file, (p = lineLengths(file)));
      return p;
    };
    const toVsRange = async (file: string, range: FindingRange) => {
      const r = clampRange(range, await lines(file));
      return new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
    };

    const entries: [vscode.Uri, vscode.Diagnostic[]][] = [];
    const findings = new Map<string, Finding[]>();
    const files: QualitySnapshot['files'] = [];
    const counts = zeroCounts();
    await Promise.all([...mapped.byFile].map(async ([file, list]) => {
      const uri = vscode.Uri.file(file);
      const fileCounts = zeroCounts();
      const diags = await Promise.all(list.map(async (f) => {
        counts[f.severity]++;
        fileCounts[f.severity]++;
        const d = new vscode.Diagnostic(await toVsRange(file, f.range), `${f.type}: ${f.message}`, DIAGNOSTIC_SEVERITY[f.severity]);
        d.source = DIAGNOSTIC_SOURCE;
        if (f.rule) d.code = { value: f.rule, target: vscode.Uri.parse(urls.rule(f.rule)) };
        if (f.related.length) {
          d.relatedInformation = await Promise.all(f.related.map(async (r) => new vscode.DiagnosticRelatedInformation(
            new vscode.Location(vscode.Uri.file(r.file), await toVsRange(r.file, r.range)), r.message || 'Secondary location')));
        }
        return d;
      }));
      entries.push([uri, diags]);
      findings.set(uri.toString(), list);
      files.push({ file, counts: fileCounts });
    }));
    this.diagnostics.clear();
    this.diagnostics.set(entries);
    this.findings = findings;
    files.sort((a, b) => a.file.localeCompare(b.file));
    this.snapshot = { project, counts, files, unmapped: mapped.unmapped, ...extra };
    this.changed.fire();
    return this.snapshot;
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
    return sonarUrls(s.project, s.origin.kind === 'server' ? s.origin.branch : undefined).finding(finding);
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
