import * as vscode from 'vscode';
import { RUN_DONE, type DagRun, type TaskInstance } from '../../../core/airflow/runs';
import { LoadMoreNode, MessageNode, TreeNode, type PagedNode } from '../../../platform/nodeTree';
import { RUN_COMMANDS } from './commandIds';

/** Theme icons per state, coloured like Airflow's own (green success, red failure). */
function stateIcon(state: string): vscode.ThemeIcon {
  switch (state) {
    case 'success': return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
    case 'upstream_failed': return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'running': return new vscode.ThemeIcon('sync~spin');
    case 'up_for_retry':
    case 'up_for_reschedule': return new vscode.ThemeIcon('history', new vscode.ThemeColor('testing.iconQueued'));
    case 'skipped': return new vscode.ThemeIcon('debug-step-over');
    case 'queued':
    case 'scheduled': return new vscode.ThemeIcon('clock');
    default: return new vscode.ThemeIcon('circle-outline');
  }
}

/** "12.3 s", "4 min 5 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds % 60)} s`;
}

/** What a task instance row says after its name: state, try, duration. */
export function taskDescription(t: TaskInstance): string {
  return [t.state === 'none' ? 'no state yet' : t.state.replace(/_/g, ' '), t.tryNumber > 0 ? `try ${t.tryNumber}` : undefined, t.duration !== undefined ? formatDuration(t.duration) : undefined].filter(Boolean).join(' · ');
}

export class TaskInstanceNode extends TreeNode {
  constructor(readonly ti: TaskInstance) {
    super();
  }

  get id(): string {
    return `airflow:ti:${this.ti.dagId}/${this.ti.runId}/${this.ti.taskId}/${this.ti.mapIndex}`;
  }

  treeItem(): vscode.TreeItem {
    const t = this.ti;
    const item = new vscode.TreeItem(t.mapIndex >= 0 ? `${t.taskId} [${t.mapIndex}]` : t.taskId, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = taskDescription(t);
    item.iconPath = stateIcon(t.state);
    item.tooltip = [`${t.taskId}${t.mapIndex >= 0 ? ` [map index ${t.mapIndex}]` : ''}: ${t.state}`, t.operator, t.startDate && `started ${t.startDate}`, t.endDate && `ended ${t.endDate}`].filter(Boolean).join('\n');
    // `.logged` once a try exists: only then is there a log to show.
    item.contextValue = `airflowEcs.airflow.taskInstance.${t.state}${t.tryNumber > 0 ? '.logged' : ''}`;
    if (t.tryNumber > 0) item.command = { command: RUN_COMMANDS.showTaskLog, title: 'Show Task Log', arguments: [this] };
    return item;
  }
}

/** A run of a DAG; its children are its task instances, which the run's follower keeps current. */
export class RunNode extends TreeNode {
  /** Task instances as last read, or undefined before the first expansion. */
  tis: TaskInstance[] | undefined;

  constructor(public run: DagRun, private readonly load: (run: DagRun) => Promise<TaskInstance[]>) {
    super();
  }

  get id(): string {
    return `airflow:run:${this.run.dagId}/${this.run.runId}`;
  }

  treeItem(): vscode.TreeItem {
    const r = this.run;
    const when = r.runAfter ?? r.startDate;
    const item = new vscode.TreeItem(when ? new Date(when).toLocaleString() : r.runId, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = `${r.state}${r.runType === 'manual' ? '' : ` · ${r.runType.replace(/_/g, ' ')}`}`;
    item.iconPath = stateIcon(r.state);
    item.tooltip = [`Run ${r.runId}: ${r.state}`, r.logicalDate ? `logical date ${r.logicalDate}` : 'no logical date', r.startDate && `started ${r.startDate}`, r.endDate && `ended ${r.endDate}`].filter(Boolean).join('\n');
    item.contextValue = `airflowEcs.airflow.run.${RUN_DONE.has(r.state) ? 'done' : 'active'}`;
    return item;
  }

  async children(): Promise<TreeNode[]> {
    this.tis ??= await this.load(this.run);
    if (this.tis.length === 0) return [new MessageNode(`${this.id}#none`, 'No task instances yet: the scheduler creates them when the run starts.')];
    return this.tis.map((t) => new TaskInstanceNode(t));
  }

  reset(): void {
    this.tis = undefined;
  }
}

/** The runs of one DAG, newest first, a page at a time; RunNodes are kept so followers update the rows shown. */
export class RunList {
  private readonly nodes = new Map<string, RunNode>();
  private order: string[] | undefined;
  total = 0;
  limit: number;

  constructor(readonly dagId: string, private readonly page: number, private readonly read: (limit: number) => Promise<{ runs: DagRun[]; total: number }>, private readonly loadTis: (run: DagRun) => Promise<TaskInstance[]>) {
    this.limit = page;
  }

  node(runId: string): RunNode | undefined {
    return this.nodes.get(runId);
  }

  /** A run that just began (a trigger): shown at once, before the next read. */
  add(run: DagRun): RunNode {
    const node = this.upsert(run);
    if (this.order && !this.order.includes(run.runId)) {
      this.order.unshift(run.runId);
      this.total++;
    }
    return node;
  }

  private upsert(run: DagRun): RunNode {
    const node = this.nodes.get(run.runId);
    if (!node) {
      const fresh = new RunNode(run, this.loadTis);
      this.nodes.set(run.runId, fresh);
      return fresh;
    }
    node.run = run;
    return node;
  }

  /** The rows under the DAG: its runs, then Load more when there are older ones. */
  async children(parent: PagedNode): Promise<TreeNode[]> {
    if (!this.order) {
      const { runs, total } = await this.read(this.limit);
      this.total = total;
      this.order = runs.map((r) => this.upsert(r).run.runId);
    }
    const rows: TreeNode[] = this.order.map((id) => this.nodes.get(id)).filter((n): n is RunNode => Boolean(n));
    if (rows.length === 0) return [new MessageNode(`airflow:runs:${this.dagId}#none`, 'No runs yet: Trigger DAG starts one.')];
    if (this.total > rows.length) rows.push(new LoadMoreNode(parent, RUN_COMMANDS.loadMoreRuns, `Load ${Math.min(this.page, this.total - rows.length)} older runs…`));
    return rows;
  }

  active(): RunNode[] {
    return [...this.nodes.values()].filter((n) => !RUN_DONE.has(n.run.state));
  }

  loadMore(): void {
    this.limit += this.page;
    this.order = undefined;
  }

  /** Read again on the next expansion; the RunNodes (and what followers update) stay. */
  reset(): void {
    this.order = undefined;
  }
}
