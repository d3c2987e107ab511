import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import { composeProjectName, engineProblem, inFileOrder, parseComposeConfig, parseComposeFile, parseDotEnv, type ComposeModel, type ComposeService } from '../../core/docker/composeFile';
import { ComposeFailed, detectComposeEngine, parseComposeFailure, readComposeConfig, runCompose, type ComposeEngine, type ComposeProject } from '../../core/docker/composeCli';
import { dockerOptions, engineEnv, pingDocker, resolveEngine, type EngineEndpoint } from '../../core/docker/engine';
import { upSummary } from '../../core/docker/stackPresent';
import { StackTracker } from '../../core/docker/stackState';
import type { Logger } from '../../core/log';
import { toAbortSignal } from '../../platform/commands';
import { UserFacingError } from '../../platform/errors';
import { readSettings } from '../../platform/settings';
import { workspaceTrusted } from '../../platform/processes';
import { COMMANDS } from './commandIds';

const COMPOSE_GLOB = '{**/docker-compose*.yml,**/compose*.yaml}';
const CHOICE_KEY = 'airflowEcs.localStack.chosenComposeFile';

/** The compose file in use, its model (as the engine resolves it) and its project name. */
export interface LoadedProject extends ComposeProject {
  model: ComposeModel;
  /** Path shown in the view: relative to the workspace when inside it. */
  display: string;
}

export class NoComposeFile extends UserFacingError {
  constructor(readonly candidates: string[]) {
    super(candidates.length
      ? 'Several compose files are in this workspace; choose the one to run.'
      : 'No compose file (docker-compose*.yml, compose*.yaml) was found in this workspace.', [
      { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'airflowEcs.localStack.composeFile') },
    ]);
    this.name = 'NoComposeFile';
  }
}

/**
 * The local compose stack: which file, its diagnostics, the Docker connection (created on first
 * use), the event-driven state tracker and the "Local Stack" output channel that compose writes to.
 */
export class LocalStack implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('Local Stack');
  readonly diagnostics = vscode.languages.createDiagnosticCollection('airflowEcs.compose');
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the state of the containers or the compose file changes. */
  readonly onDidChange = this.changed.event;
  private endpoint: EngineEndpoint | undefined;
  private client: Docker | undefined;
  private engineFound: Promise<ComposeEngine> | undefined;
  /** The file in use and its model, resolved once per change of the file or its `.env`. */
  private current: { file: string; project: Promise<LoadedProject> } | undefined;
  tracker: StackTracker | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;

  constructor(private readonly memento: vscode.Memento, private readonly logger: Logger) {}

  /** dockerode for DOCKER_HOST or the current docker context, created once. */
  docker(): Docker {
    if (!this.client) {
      this.endpoint = resolveEngine();
      this.logger.info(`Local Stack: Docker engine from ${this.endpoint.source}${this.endpoint.host ? ` (${this.endpoint.host})` : ''}`);
      this.client = new Docker(dockerOptions(this.endpoint));
    }
    return this.client;
  }

  /** Where dockerode connects, as a user would write it (DOCKER_HOST, the context's host, or the default socket). */
  endpointText(): string {
    this.docker();
    return this.endpoint!.host ? `${this.endpoint!.host} (${this.endpoint!.source})` : 'unix:///var/run/docker.sock (the default; DOCKER_HOST is not set)';
  }

  /** Environment for child processes so they reach the same engine as dockerode. */
  childEnv(): NodeJS.ProcessEnv {
    this.docker();
    return engineEnv(this.endpoint!);
  }

  engine(): Promise<ComposeEngine> {
    this.engineFound ??= detectComposeEngine(readSettings().localStack.composeCommand, this.childEnv()).then((e) => {
      this.logger.info(`Local Stack: using ${e.label}`);
      return e;
    }, (err) => {
      this.engineFound = undefined;
      throw err;
    });
    return this.engineFound;
  }

  /** The file from the setting, else the one chosen earlier, else the only one in the workspace. */
  private async resolveFile(interactive: boolean): Promise<string> {
    const configured = readSettings().localStack.composeFile;
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (configured) return path.isAbsolute(configured) || !root ? configured : path.join(root, configured);
    // Found once: every redraw (events, the uptime tick) reuses it; reset() and chooseFile() forget it.
    if (this.current) return this.current.file;
    const found = (await vscode.workspace.findFiles(COMPOSE_GLOB, '**/node_modules/**', 50)).map((u) => u.fsPath).sort();
    const chosen = this.memento.get<string>(CHOICE_KEY);
    if (chosen && found.includes(chosen)) return chosen;
    if (found.length === 1) return found[0];
    if (!interactive || found.length === 0) throw new NoComposeFile(found);
    return this.chooseFile(found);
  }

  /**
   * A quick pick of the compose files; the choice is remembered for this workspace. With none in
   * the workspace, a file dialog: the file chosen there becomes the workspace's Compose File setting.
   */
  async chooseFile(found?: string[]): Promise<string> {
    const files = found ?? (await vscode.workspace.findFiles(COMPOSE_GLOB, '**/node_modules/**', 50)).map((u) => u.fsPath).sort();
    if (!files.length) {
      const [uri] = await vscode.window.showOpenDialog({
        title: 'Compose file of the local Airflow stack',
        openLabel: 'Use This Compose File',
        filters: { 'Compose files': ['yml', 'yaml'] },
        canSelectMany: false,
      }) ?? [];
      if (!uri) throw new vscode.CancellationError();
      await vscode.workspace.getConfiguration('airflowEcs').update('localStack.composeFile', uri.fsPath, vscode.ConfigurationTarget.Workspace);
      this.reset();
      return uri.fsPath;
    }
    const picked = await vscode.window.showQuickPick(files.map((f) => ({ label: vscode.workspace.asRelativePath(f), file: f })), {
      title: 'Compose file of the local Airflow stack',
      placeHolder: 'The "Compose File" setting makes this choice permanent',
    });
    if (!picked) throw new vscode.CancellationError();
    await this.memento.update(CHOICE_KEY, picked.file);
    this.reset();
    return picked.file;
  }

  /** Finds the compose file, resolves its model and starts watching the project's containers (once). */
  async load(interactive = false): Promise<LoadedProject> {
    const file = await this.resolveFile(interactive);
    if (this.current?.file !== file) {
      this.reparse(file);
      this.watch(file);
    }
    const project = await this.current!.project;
    if (this.tracker?.project !== project.name) {
      this.tracker?.dispose();
      this.tracker = new StackTracker(this.docker(), project.name);
      this.tracker.onChange(() => this.changed.fire());
    }
    if (!this.tracker.watching) {
      await pingDocker(this.docker(), this.endpoint!);
      await this.tracker.start();
    }
    return project;
  }

  /** Resolves the model again; a failure (file unreadable) is not kept, so the next load retries. */
  private reparse(file: string): void {
    const current = { file, project: this.parse(file) };
    this.current = current;
    current.project.catch(() => {
      if (this.current === current) this.current = undefined;
    });
  }

  private async parse(file: string): Promise<LoadedProject> {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserFacingError(`The compose file ${file} cannot be read (${err instanceof Error ? err.message : String(err)}).`, [
        { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'airflowEcs.localStack.composeFile') },
      ]);
    }
    const envFile = path.join(path.dirname(file), '.env');
    const dotEnv = fs.existsSync(envFile) ? parseDotEnv(fs.readFileSync(envFile, 'utf8')) : {};
    const name = composeProjectName(file, dotEnv, process.env);
    const model = await this.resolveModel({ file, name }, text);
    const uri = vscode.Uri.file(file);
    if (model.ok) {
      this.diagnostics.delete(uri);
    } else {
      const { line, col, message } = model.problem;
      const at = new vscode.Position(Math.max(0, line - 1), Math.max(0, col - 1));
      const diagnostic = new vscode.Diagnostic(new vscode.Range(at, at.translate(0, 1)), message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'compose';
      this.diagnostics.set(uri, [diagnostic]);
    }
    return { file, name, model, display: vscode.workspace.asRelativePath(file) };
  }

  /**
   * The engine's own model (`config`: interpolation, .env, include, extends, profiles); the file
   * as written only when no compose command is found or it has no `config`. A refusal is placed
   * in the file where the engine says, else where our YAML parse finds the problem.
   */
  private async resolveModel(project: ComposeProject, text: string): Promise<ComposeModel> {
    const written = parseComposeFile(text);
    // `config` runs the workspace's interpolation (.env, include), which the runner refuses untrusted.
    if (!workspaceTrusted()) {
      this.logger.info(`Local Stack: the workspace is not trusted, so ${project.file} is read as written (no interpolation) instead of through compose config`);
      return written;
    }
    const engine = await this.engine().catch(() => undefined);
    const config = engine && await readComposeConfig(engine, project, { env: this.childEnv() }).catch((err: unknown) => {
      this.logger.warn(`Local Stack: ${engine.label} config did not run: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (!config) {
      if (engine) this.logger.info(`Local Stack: ${engine.label} has no config command; reading ${project.file} as written (no interpolation)`);
      return written;
    }
    if (!config.ok) return { ok: false, problem: engineProblem(config.message, text, written.ok ? undefined : written.problem) };
    try {
      return { ok: true, services: inFileOrder(parseComposeConfig(config.text), written) };
    } catch (err) {
      this.logger.warn(`Local Stack: ${engine.label} config printed no model (${err instanceof Error ? err.message : String(err)}); reading the file as written`);
      return written;
    }
  }

  private watch(file: string): void {
    this.watcher?.dispose();
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), '{' + path.basename(file) + ',.env}'));
    const reparse = () => {
      if (this.current?.file !== file) return;
      this.reparse(file);
      this.current.project.then(() => this.changed.fire(), () => this.changed.fire());
    };
    this.watcher.onDidChange(reparse);
    this.watcher.onDidCreate(reparse);
    this.watcher.onDidDelete(reparse);
  }

  /** The loaded project, refusing when its compose file does not parse (no half-run command). */
  async valid(): Promise<LoadedProject> {
    const project = await this.load(true);
    if (!project.model.ok) {
      const { line, col, message } = project.model.problem;
      throw new UserFacingError(`${project.display} has an error at line ${line}, column ${col} (${message}). Fix it first; it is listed in the Problems panel.`, [
        { title: 'Show Problems', run: () => vscode.commands.executeCommand('workbench.actions.view.problems') },
      ]);
    }
    return project;
  }

  /** Runs compose with cancellable progress, its output in the "Local Stack" channel. */
  async compose(title: string, args: string[]): Promise<void> {
    const project = await this.valid();
    const engine = await this.engine();
    this.output.appendLine(`$ ${engine.label} -f ${project.file} -p ${project.name} ${args.join(' ')}`);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
      try {
        await runCompose(engine, project, args, { env: this.childEnv(), signal: toAbortSignal(token), onOutput: (t) => this.output.append(t) });
        this.output.appendLine(`(${title}: done)`);
      } catch (err) {
        if (token.isCancellationRequested) {
          this.output.appendLine(`(${title}: cancelled)`);
          throw new vscode.CancellationError();
        }
        if (err instanceof ComposeFailed) {
          this.output.appendLine(`(${title}: failed)`);
          const failed = err.failure.service ? err : await this.nameService(err);
          throw new UserFacingError(failed.message, [{ title: 'Show Output', run: () => vscode.commands.executeCommand(COMMANDS.showOutput) }]);
        }
        throw err;
      }
    });
  }

  /**
   * While the file does not parse, Stop, Start, Restart and Down still act on the project by
   * name: the engine API on the containers carrying its compose label (v1 and podman-compose
   * need a file even for `-p name down`).
   */
  async withoutFile(title: string, act: (docker: Docker, signal: AbortSignal) => Promise<string>): Promise<void> {
    const project = await this.load(true);
    this.output.appendLine(`$ ${title} (${project.display} does not parse: through the Docker API, containers labelled com.docker.compose.project=${project.name})`);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
      const said = await act(this.docker(), toAbortSignal(token));
      this.output.appendLine(said);
      if (token.isCancellationRequested) throw new vscode.CancellationError();
    });
    await this.tracker?.refresh().catch(() => undefined);
  }

  /** The services a command can name: the model's, or while the file does not parse, those of the project's containers. */
  serviceNames(project: LoadedProject): string[] {
    return project.model.ok ? project.model.services.map((s) => s.name) : [...new Set((this.tracker?.containers ?? []).map((c) => c.service))].sort();
  }

  /** After a cancelled Up: what state the stack is in, with Down and Up (again) as the next steps. */
  async reportHalfUp(title: string, again: () => unknown): Promise<void> {
    const project = await this.load();
    await this.tracker?.refresh().catch(() => undefined);
    const services: ComposeService[] = project.model.ok ? project.model.services : [];
    const summary = upSummary(services, this.tracker?.containers ?? []);
    this.output.appendLine(`(${title}: cancelled; ${summary.text})`);
    const picked = await vscode.window.showWarningMessage(`${title} was cancelled: ${summary.text}.`, 'Down', 'Up');
    if (picked === 'Down') await vscode.commands.executeCommand(COMMANDS.down);
    if (picked === 'Up') await again();
  }

  /** A failure that names only a container id (podman): the service from the project's containers, listed again. */
  private async nameService(err: ComposeFailed): Promise<ComposeFailed> {
    await this.tracker?.refresh().catch(() => undefined);
    const containers = this.tracker?.containers ?? [];
    const failure = parseComposeFailure(err.output, (id) => containers.find((c) => c.id.startsWith(id))?.service);
    return new ComposeFailed(err.command, failure, err.output);
  }

  /** Forgets the file, the compose engine and the Docker connection (DOCKER_HOST is read again); the next load starts over. */
  reset(): void {
    // A changed compose-command setting takes effect at the next command, without a reload.
    this.engineFound = undefined;
    this.tracker?.dispose();
    this.tracker = undefined;
    this.current = undefined;
    this.client = undefined;
    this.endpoint = undefined;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.reset();
    this.output.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}

/** Actions that run code from the compose file (Up, Build, Scale, Shell, Run Airflow CLI) are off in an untrusted workspace. */
export { requireTrust } from '../../platform/processes';
