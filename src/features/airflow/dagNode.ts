import * as vscode from 'vscode';
import type { AirflowDag, DagRunSummary } from '../../core/airflow/dags';
import { runWords } from '../../core/airflow/status';
import { escapeMd, relativeTime } from '../../core/ecs/present';
import { TreeNode } from '../../platform/nodeTree';
import type { AirflowRuns } from './runs/airflowRuns';

const RUN_ICON: Record<string, [string, string]> = {
  success: ['pass-filled', 'testing.iconPassed'],
  failed: ['error', 'list.errorForeground'],
  running: ['sync~spin', 'charts.yellow'],
  queued: ['clock', 'charts.yellow'],
};

/**
 * A DAG of the deployment. Its rows below (runs, task instances) come from `children()`:
 * a subclass or a later change fills it and sets `expandable`.
 */
export class DagNode extends TreeNode {
  /** Whether the row has children to show (collapsed until expanded). */
  protected expandable = false;

  constructor(readonly dag: AirflowDag, readonly lastRun: DagRunSummary | undefined, readonly now: number, private readonly runs?: Pick<AirflowRuns, 'runRows' | 'loadMore' | 'reset'>) {
    super();
    this.expandable = Boolean(runs);
  }

  get dagId(): string {
    return this.dag.dagId;
  }

  /** Its runs, newest first. */
  children(): Promise<TreeNode[]> {
    return this.runs ? this.runs.runRows(this) : Promise.resolve([]);
  }

  loadMore(): Promise<void> {
    this.runs?.loadMore(this);
    return Promise.resolve();
  }

  reset(): void {
    this.runs?.reset(this.dag.dagId);
  }

  get id(): string {
    return `dag:${this.dag.dagId}`;
  }

  /** "paused · 0 0 * * * · success 5 min ago". */
  description(): string {
    const d = this.dag;
    return [
      d.hasImportErrors ? 'import error' : undefined,
      d.paused ? 'paused' : undefined,
      d.schedule ?? 'no schedule',
      this.lastRun ? runWords(this.lastRun, this.now) : undefined,
    ].filter(Boolean).join(' · ');
  }

  tooltip(): vscode.MarkdownString {
    const d = this.dag;
    const lines = [
      d.description,
      `Schedule: ${d.scheduleDescription ?? d.schedule ?? 'none'}`,
      d.nextRun ? `Next run: ${new Date(d.nextRun).toUTCString()}` : undefined,
      `Last run: ${this.lastRun ? `${this.lastRun.runId} ${runWords(this.lastRun, this.now)}` : 'none among the latest runs'}`,
      d.tags.length ? `Tags: ${d.tags.join(', ')}` : undefined,
      d.owners.length ? `Owners: ${d.owners.join(', ')}` : undefined,
      `File: ${d.relativeFileloc ?? d.fileloc}`,
      d.hasImportErrors ? 'Airflow reports an import error for this DAG\'s file.' : undefined,
    ].filter((l): l is string => !!l);
    const md = new vscode.MarkdownString([`**${escapeMd(d.dagId)}**${d.paused ? ' (paused)' : ''}`, ...lines.map(escapeMd)].join('\n\n'));
    return md;
  }

  treeItem(): vscode.TreeItem {
    const ti = new vscode.TreeItem(this.dag.dagId, this.expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.description = this.description();
    ti.tooltip = this.tooltip();
    const [icon, color] = this.dag.hasImportErrors ? ['error', 'list.errorForeground']
      : this.lastRun && RUN_ICON[this.lastRun.state] ? RUN_ICON[this.lastRun.state]
        : this.dag.paused ? ['debug-pause', 'disabledForeground'] : ['circle-outline', 'foreground'];
    ti.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    ti.contextValue = `airflowEcs.airflow.dag.${this.dag.paused ? 'paused' : 'active'}`;
    ti.accessibilityInformation = { label: `DAG ${this.dag.dagId}, ${this.description()}` };
    return ti;
  }
}

/** A file Airflow could not import: no DAG of it exists, only the error. */
export class ImportErrorNode extends TreeNode {
  constructor(readonly filename: string, readonly message: string, readonly file: vscode.Uri | undefined, readonly at: string | undefined, readonly now: number) {
    super();
  }

  get id(): string {
    return `importError:${this.filename}`;
  }

  treeItem(): vscode.TreeItem {
    const ti = new vscode.TreeItem(this.filename, vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.description = `import error${this.at ? ` ${relativeTime(new Date(this.at), this.now)}` : ''}`;
    ti.tooltip = `${this.message}${this.file ? '' : '\n\nThis file is not in the workspace\'s DAG folder.'}`;
    ti.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    ti.contextValue = 'airflowEcs.airflow.importError';
    if (this.file) ti.command = { command: 'vscode.open', title: 'Open File', arguments: [this.file] };
    return ti;
  }
}
