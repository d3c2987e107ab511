import * as vscode from 'vscode';
import type { AirflowDag } from '../../core/airflow/dags';
import type { Logger } from '../../core/log';
import { MessageNode, NodeTreeProvider, type TreeNode } from '../../platform/nodeTree';
import { AIRFLOW_FILTERED_KEY, AIRFLOW_STATE_KEY, COMMANDS } from './commandIds';
import { DagNode, ImportErrorNode } from './dagNode';
import { mapImportErrors } from './diagnostics';
import type { AirflowService } from './service';
import type { AirflowRuns } from './runs/airflowRuns';

/** Whether a DAG matches the filter: part of its id, or one of its tags. */
export function matchesFilter(dag: Pick<AirflowDag, 'dagId' | 'tags'>, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return dag.dagId.toLowerCase().includes(f) || dag.tags.some((t) => t.toLowerCase().includes(f));
}

/** The Airflow view: files Airflow cannot import, then the DAGs (filtered from what is loaded). */
export class AirflowTreeProvider extends NodeTreeProvider {
  filter = '';
  private readonly subscription: vscode.Disposable;
  view: vscode.TreeView<TreeNode> | undefined;
  /** The runs below each DAG row (set by the runs' activation). */
  runs: AirflowRuns | undefined;

  constructor(private readonly service: AirflowService, logger: Logger) {
    super(logger, 'Airflow', COMMANDS.refresh, AIRFLOW_STATE_KEY);
    // Pages as they arrive, a reload, a sign-out: the rows follow what the service holds.
    this.subscription = service.onDidChange(() => {
      this.changed.fire(undefined);
      this.describe();
    });
  }

  async setFilter(filter: string): Promise<void> {
    this.filter = filter.trim();
    await vscode.commands.executeCommand('setContext', AIRFLOW_FILTERED_KEY, !!this.filter);
    this.changed.fire(undefined);
    this.describe();
  }

  /** The view's description: where it reads from, how many DAGs, the filter. */
  private describe(): void {
    if (!this.view) return;
    const s = this.service.snapshot;
    const shown = s ? s.dags.filter((d) => matchesFilter(d, this.filter)).length : 0;
    this.view.description = !s ? undefined
      : `${this.filter ? `${shown} of ${s.dags.length} DAGs, filter "${this.filter}"` : `${s.dags.length} DAGs`}${s.complete ? '' : ' (loading…)'} · ${new URL(s.url).host}`;
  }

  protected async roots(): Promise<TreeNode[]> {
    if (!(await this.service.signedIn())) {
      await this.setState('disconnected');
      return [];
    }
    let s = this.service.snapshot;
    if (!s) {
      try {
        s = await this.service.load();
      } catch (err) {
        // authFailed / unreachable: the welcome content says why, with its buttons.
        if (this.service.state !== 'ok') return [];
        throw err;
      }
    }
    const now = Date.now();
    const rows: TreeNode[] = [];
    const dagFiles = new Set(s.dags.map((d) => d.relativeFileloc ?? d.fileloc));
    for (const m of mapImportErrors(s.importErrors, s.roots)) {
      // A file with DAGs that still load shows on those DAGs (their import-error flag).
      if (!dagFiles.has(m.relative) && matchesFilter({ dagId: m.relative, tags: [] }, this.filter)) {
        rows.push(new ImportErrorNode(m.relative, m.message, m.file, m.error.timestamp, now));
      }
    }
    const dags = s.dags.filter((d) => matchesFilter(d, this.filter));
    rows.push(...dags.map((d) => new DagNode(d, s.runs.get(d.dagId), now, this.runs)));
    if (!rows.length) rows.push(new MessageNode('empty', this.filter ? `No DAG matches "${this.filter}".` : 'Airflow reports no DAGs yet.'));
    if (this.service.failure && this.service.state === 'ok') {
      rows.unshift(new MessageNode('stale', `Showing what was read at ${new Date(s.at).toLocaleTimeString()}: the last refresh failed.`));
    }
    return rows;
  }

  dispose(): void {
    this.subscription.dispose();
    super.dispose();
  }
}
