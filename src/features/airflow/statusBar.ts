import * as vscode from 'vscode';
import { latestRunOf, type DagRunSummary } from '../../core/airflow/dags';
import { dagRelativePath } from '../../core/airflow/importErrors';
import { dagFileStatusText, type DagFileStatus } from '../../core/airflow/status';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { readSettings } from '../../platform/settings';
import { AIRFLOW_VIEW } from './commandIds';
import { relativeInDagFolder } from './dagFolders';
import { mapImportErrors } from './diagnostics';
import type { AirflowService } from './service';

/** A file that declares a DAG (a helper module in dags/ is never "not deployed"). */
const DECLARES_DAG = /@dag\b|\bDAG\s*\(|dag_id\s*=/;
const PIPELINE_TTL_MS = 60_000;

/**
 * The deployed state of the DAG file in the active editor: its DAGs' last runs, its import error,
 * or "not deployed yet" with the DAG pipeline's last build (read through the core CodeBuild client).
 */
export class DagFileStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('airflowEcs.airflowDagFile', vscode.StatusBarAlignment.Left, 49);
  private readonly subscriptions: vscode.Disposable[];
  private generation = 0;
  /** Runs asked for one DAG, per snapshot. */
  private runs = new Map<string, Promise<DagRunSummary | undefined>>();
  private runsOf = 0;
  private pipeline: { at: number; value: Promise<{ buildNumber?: number; when?: Date } | undefined> } | undefined;

  constructor(private readonly service: AirflowService, private readonly session: AwsSession, private readonly logger: Logger) {
    this.item.name = 'Airflow DAG file';
    this.item.command = `${AIRFLOW_VIEW}.focus`;
    this.subscriptions = [service.onDidChange(() => void this.update()), vscode.window.onDidChangeActiveTextEditor(() => void this.update())];
  }

  /** What the item says now (tests read it). */
  get text(): string | undefined {
    return this.item.text || undefined;
  }

  async update(): Promise<void> {
    const generation = ++this.generation;
    const status = await this.status().catch((err: unknown) => {
      this.logger.warn(`Airflow: status of the active DAG file: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (generation !== this.generation) return;
    if (!status) {
      this.item.text = '';
      this.item.hide();
      return;
    }
    const text = dagFileStatusText(status, Date.now());
    const icon = status.kind === 'importError' ? 'error' : status.kind === 'notDeployed' ? 'cloud-upload' : 'pulse';
    this.item.text = `$(${icon}) ${text}`;
    this.item.tooltip = `Airflow at ${this.service.snapshot?.url ?? ''}: ${text}`;
    this.item.accessibilityInformation = { label: `Airflow: ${text}` };
    this.item.backgroundColor = status.kind === 'importError' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  private async status(): Promise<DagFileStatus | undefined> {
    const s = this.service.snapshot;
    const doc = vscode.window.activeTextEditor?.document;
    if (!s || !doc) return undefined;
    const rel = relativeInDagFolder(doc.uri);
    if (!rel?.endsWith('.py')) return undefined;
    if (mapImportErrors(s.importErrors, s.roots).some((m) => m.relative === rel)) return { kind: 'importError' };
    const dags = s.dags.filter((d) => dagRelativePath(d, s.roots) === rel);
    if (dags.length) {
      if (this.runsOf !== s.at) {
        this.runs = new Map();
        this.runsOf = s.at;
      }
      const client = await this.service.client();
      const withRuns = await Promise.all(dags.map(async (d) => {
        let run = s.runs.get(d.dagId) ? Promise.resolve(s.runs.get(d.dagId)) : this.runs.get(d.dagId);
        if (!run) {
          run = latestRunOf(client, d.dagId);
          this.runs.set(d.dagId, run);
        }
        return { dagId: d.dagId, lastRun: await run };
      }));
      return { kind: 'dags', dags: withRuns };
    }
    if (!DECLARES_DAG.test(doc.getText())) return undefined;
    return { kind: 'notDeployed', pipeline: await this.lastPipelineBuild() };
  }

  private lastPipelineBuild(): Promise<{ buildNumber?: number; when?: Date } | undefined> {
    if (!this.pipeline || Date.now() - this.pipeline.at > PIPELINE_TTL_MS) {
      const value = (async () => {
        const project = readSettings().pipeline.dagProject;
        if (!project) return undefined;
        const codebuild = await this.session.codebuild();
        const [id] = await codebuild.listBuildIds(project, 1);
        if (!id) return undefined;
        const [build] = await codebuild.getBuilds([id]);
        return build ? { buildNumber: build.buildNumber, when: build.endTime ?? build.startTime } : undefined;
      })().catch((err: unknown) => {
        // Without AWS the status still says "not deployed yet".
        this.logger.debug(`Airflow: last DAG pipeline build: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
      this.pipeline = { at: Date.now(), value };
    }
    return this.pipeline.value;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
