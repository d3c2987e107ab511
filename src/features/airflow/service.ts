import * as vscode from 'vscode';
import { AirflowClient, AirflowProblem, normalizeBaseUrl, type AirflowCredentials } from '../../core/airflow/client';
import { listDags, listImportErrors, recentRuns, type AirflowDag, type DagRunSummary, type ImportError } from '../../core/airflow/dags';
import { demoAirflow } from '../../core/airflow/demoCredentials';
import { deployedRoots } from '../../core/airflow/importErrors';
import type { Logger } from '../../core/log';
import { AIRFLOW_STATE_KEY } from './commandIds';

/** The view's welcome content per state; `ok` shows the DAGs. */
export type AirflowState = 'disconnected' | 'authFailed' | 'unreachable' | 'ok';

export interface AirflowSnapshot {
  url: string;
  version: string;
  dags: AirflowDag[];
  /** The last run of the DAGs among the deployment's newest runs. */
  runs: Map<string, DagRunSummary>;
  importErrors: ImportError[];
  /** The deployed DAG folder(s), to map absolute file names. */
  roots: string[];
  /** False while later pages are still loading. */
  complete: boolean;
  at: number;
}

const URL_KEY = 'airflowEcs.airflow.url';
const secretKey = (url: string) => `airflowEcs.airflow.credentials:${url}`;

/**
 * The connection to one deployed Airflow (its URL in workspace state, its credentials in
 * SecretStorage under that URL) and what was last read of it. Everything shown (view,
 * diagnostics, status bar) is drawn from `snapshot`; sign-out and a new URL drop it.
 */
export class AirflowService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  snapshot: AirflowSnapshot | undefined;
  state: AirflowState = 'disconnected';
  /** The failure behind `authFailed`/`unreachable`, or of the last load. */
  failure: unknown;
  private cached: { url: string; client: Promise<AirflowClient> } | undefined;
  private loading: Promise<AirflowSnapshot> | undefined;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly memento: vscode.Memento, private readonly logger: Logger) {}

  get url(): string | undefined {
    return this.memento.get<string>(URL_KEY);
  }

  async credentials(url: string): Promise<AirflowCredentials | undefined> {
    const raw = await this.secrets.get(secretKey(url));
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as AirflowCredentials;
    } catch {
      return undefined;
    }
  }

  /** The demo's local Airflow (npm start), signed in as Connect would. */
  async seedDemo(): Promise<void> {
    const demo = demoAirflow(process.env);
    if (!demo || this.url) return;
    await this.secrets.store(secretKey(demo.url), JSON.stringify({ kind: 'password', username: demo.username, password: demo.password }));
    await this.memento.update(URL_KEY, demo.url);
    this.logger.info(`Airflow: signed in to the demo Airflow ${demo.url}.`);
  }

  /** Checks the credentials against `url` (version, sign-in), then keeps both and reads the DAGs. */
  async connect(rawUrl: string, credentials: AirflowCredentials, signal?: AbortSignal): Promise<AirflowClient> {
    const url = normalizeBaseUrl(rawUrl);
    const client = await AirflowClient.connect({ baseUrl: url, credentials, logger: this.logger }, signal);
    if (client.api === 'v1' || credentials.kind === 'token') await client.get('/dags', { limit: 1 }, signal);
    await this.secrets.store(secretKey(url), JSON.stringify(credentials));
    if (url !== this.url) this.forget();
    await this.memento.update(URL_KEY, url);
    this.cached = { url, client: Promise.resolve(client) };
    this.logger.info(`Airflow: connected to ${url} (Airflow ${client.version.version}, /api/${client.api}).`);
    return client;
  }

  /** Forgets the credentials of the current URL and everything read with them. */
  async signOut(): Promise<void> {
    const url = this.url;
    if (url) await this.secrets.delete(secretKey(url));
    await this.memento.update(URL_KEY, undefined);
    this.forget();
    await this.setState('disconnected');
    this.changed.fire();
  }

  private forget(): void {
    this.cached = undefined;
    this.snapshot = undefined;
    this.failure = undefined;
    this.loading = undefined;
  }

  async client(signal?: AbortSignal): Promise<AirflowClient> {
    const url = this.url;
    if (!url) throw new AirflowProblem('auth', 'Not connected to an Airflow yet.');
    if (this.cached?.url === url) return this.cached.client;
    const credentials = await this.credentials(url);
    if (!credentials) throw new AirflowProblem('auth', `No Airflow credentials are stored for ${url}.`);
    const client = AirflowClient.connect({ baseUrl: url, credentials, logger: this.logger }, signal);
    this.cached = { url, client };
    // A failed connection is tried again next time instead of being kept.
    client.catch(() => { if (this.cached?.client === client) this.cached = undefined; });
    return client;
  }

  /** Whether there is a URL with stored credentials (the view may load). */
  async signedIn(): Promise<boolean> {
    const url = this.url;
    return !!url && !!(await this.credentials(url));
  }

  /**
   * Reads DAGs (first page shown as soon as it arrives), import errors and recent runs; one load
   * at a time, later callers share it. A failure keeps nothing of the old snapshot that it would
   * make a lie of: an auth failure drops it, an unreachable server keeps it marked by `failure`.
   */
  load(signal?: AbortSignal): Promise<AirflowSnapshot> {
    this.loading ??= this.read(signal).finally(() => { this.loading = undefined; });
    return this.loading;
  }

  private async read(signal?: AbortSignal): Promise<AirflowSnapshot> {
    const url = this.url;
    try {
      const client = await this.client(signal);
      const [errors, runs] = [listImportErrors(client, signal), recentRuns(client, signal)];
      // Keep both rejections handled while the DAG pages load.
      errors.catch(() => undefined);
      runs.catch(() => undefined);
      const dags = await listDags(client, {
        signal,
        onPage: (page, total) => {
          // A refresh keeps the full list on screen until the new one is whole.
          if (this.snapshot?.complete || this.url !== url) return;
          if (this.snapshot?.complete === false) {
            this.snapshot = { ...this.snapshot, dags: [...this.snapshot.dags, ...page].sort((a, b) => a.dagId.localeCompare(b.dagId)) };
          } else {
            this.snapshot = { url: url!, version: client.version.version, dags: page, runs: new Map(), importErrors: this.snapshot?.importErrors ?? [], roots: deployedRoots(page), complete: page.length >= total, at: Date.now() };
          }
          this.changed.fire();
        },
      });
      const snapshot: AirflowSnapshot = { url: url!, version: client.version.version, dags, runs: await runs, importErrors: await errors, roots: deployedRoots(dags), complete: true, at: Date.now() };
      if (this.url !== url) return snapshot;
      this.snapshot = snapshot;
      this.failure = undefined;
      await this.setState('ok');
      this.changed.fire();
      return snapshot;
    } catch (err) {
      if (this.url === url) {
        this.failure = err;
        // Half a list is never kept: the next load starts from its first page.
        if (this.snapshot && !this.snapshot.complete) this.snapshot = undefined;
        const kind = err instanceof AirflowProblem ? err.kind : undefined;
        if (kind === 'auth' || kind === 'forbidden' || kind === 'noTokenEndpoint') {
          this.snapshot = undefined;
          this.cached = undefined;
          await this.setState('authFailed');
        } else if (kind !== 'aborted') {
          await this.setState(this.snapshot ? 'ok' : 'unreachable');
        }
        this.changed.fire();
      }
      throw err;
    }
  }

  async setState(state: AirflowState): Promise<void> {
    this.state = state;
    await vscode.commands.executeCommand('setContext', AIRFLOW_STATE_KEY, state);
  }

  /** The state before anything loaded: signed in or not. */
  async updateStateKey(): Promise<void> {
    if (!(await this.signedIn())) await this.setState('disconnected');
  }

  dispose(): void {
    this.changed.dispose();
  }
}
