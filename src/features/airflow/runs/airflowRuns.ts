import * as vscode from 'vscode';
import { followRun, getRun, isTransient, listRuns, listTaskInstances, RUN_DONE, type AirflowApi, type DagRun } from '../../../core/airflow/runs';
import type { Logger } from '../../../core/log';
import type { PagedNode, TreeNode } from '../../../platform/nodeTree';
import { describeFailure } from '../../../platform/errors';
import { RunList, RunNode } from './runNodes';

/** What the runs need of the Airflow view that shows them. */
export interface AirflowRunsHost {
  /** The connected client; rejects with a sentence and a next step when there is none. */
  client(): Promise<AirflowApi>;
  /** Redraws a row from what it holds (its children too, when expanded). */
  redraw(node: TreeNode): void;
  /** A DAG's own fields changed (paused, last run): its row reads them again. */
  dagChanged(dagId: string): void;
}

/** A DAG row as the runs see it. */
export type DagRow = PagedNode & { dagId: string };

/** Runs shown per DAG, and added per Load more. */
export const RUN_PAGE = 10;
/** How often a run that has not ended is read again. */
export const FOLLOW_MS = 2000;

/**
 * The runs under each DAG row and the followers that keep every run shown and not ended
 * current: a run's row and its task rows change as soon as Airflow reports it, until the run ends.
 */
export class AirflowRuns implements vscode.Disposable {
  private readonly lists = new Map<string, RunList>();
  private readonly dagRows = new Map<string, DagRow>();
  private readonly followers = new Map<string, AbortController>();

  constructor(private readonly host: AirflowRunsHost, private readonly logger: Logger, private readonly followMs = FOLLOW_MS) {}

  private list(dagId: string): RunList {
    let list = this.lists.get(dagId);
    if (!list) {
      list = new RunList(dagId, RUN_PAGE,
        async (limit) => listRuns(await this.host.client(), dagId, limit),
        async (run) => listTaskInstances(await this.host.client(), run.dagId, run.runId));
      this.lists.set(dagId, list);
    }
    return list;
  }

  /** The children of a DAG row: its newest runs. Runs that have not ended are followed. */
  async runRows(dag: DagRow): Promise<TreeNode[]> {
    this.dagRows.set(dag.dagId, dag);
    const list = this.list(dag.dagId);
    const rows = await list.children(dag);
    for (const node of list.active()) this.follow(node);
    return rows;
  }

  /** The run node shown for a run, if any. */
  node(dagId: string, runId: string): RunNode | undefined {
    return this.lists.get(dagId)?.node(runId);
  }

  loadMore(dag: DagRow): void {
    this.list(dag.dagId).loadMore();
    // The row the view holds now (a reload draws new row objects with the same ids).
    this.host.redraw(this.dagRows.get(dag.dagId) ?? dag);
  }

  /** Forgets a DAG's run list (a refresh of its row); followers go on. */
  reset(dagId: string): void {
    this.lists.get(dagId)?.reset();
  }

  resetAll(): void {
    for (const list of this.lists.values()) list.reset();
  }

  /** A run this window started: its row appears at once, and is followed until it ends. */
  started(run: DagRun): RunNode {
    const node = this.list(run.dagId).add(run);
    const dag = this.dagRows.get(run.dagId);
    if (dag) this.host.redraw(dag);
    this.host.dagChanged(run.dagId);
    this.follow(node, true);
    return node;
  }

  /** After a clear or a mark: the run and its tasks are read at once, then followed until the run ends again. */
  async changed(dagId: string, runId: string): Promise<void> {
    const api = await this.host.client();
    const run = await getRun(api, dagId, runId);
    const node = this.list(dagId).add(run);
    node.run = run;
    node.tis = await listTaskInstances(api, dagId, runId);
    this.host.redraw(node);
    this.host.dagChanged(dagId);
    this.follow(node, true);
  }

  /** Follows one run (once: a second call while it is followed does nothing, unless `restart`). */
  private follow(node: RunNode, restart = false): void {
    const key = node.id;
    if (this.followers.has(key)) {
      if (!restart) return;
      this.followers.get(key)?.abort();
    }
    const controller = new AbortController();
    this.followers.set(key, controller);
    const { dagId, runId } = node.run;
    void (async () => {
      const api = await this.host.client();
      let wasDone = RUN_DONE.has(node.run.state);
      await followRun(api, dagId, runId, {
        intervalMs: this.followMs,
        signal: controller.signal,
        changed: (run, tis) => {
          node.run = run;
          node.tis = tis;
          this.host.redraw(node);
          if (RUN_DONE.has(run.state) !== wasDone) this.host.dagChanged(dagId);
          wasDone = RUN_DONE.has(run.state);
        },
        failed: (err) => {
          if (isTransient(err)) return true;
          void this.stoppedFollowing(node, err);
          return false;
        },
      });
    })().catch((err: unknown) => void this.stoppedFollowing(node, err)).finally(() => {
      if (this.followers.get(key) === controller) this.followers.delete(key);
    });
  }

  /** Following stopped on a failure no retry fixes: the rows would go stale, so the user hears why. */
  private async stoppedFollowing(node: RunNode, err: unknown): Promise<void> {
    const { message, actions } = describeFailure(err);
    this.logger.warn(`Airflow: stopped following run ${node.run.runId} of ${node.run.dagId}: ${message}`);
    const answer = await vscode.window.showWarningMessage(`The rows of run ${node.run.runId} of ${node.run.dagId} are no longer updated: ${message}`, ...actions.map((a) => a.title), 'Follow Again');
    if (answer === 'Follow Again') this.follow(node, true);
    else await actions.find((a) => a.title === answer)?.run();
  }

  /** Runs followed now (tests and the bench read it). */
  get following(): number {
    return this.followers.size;
  }

  dispose(): void {
    for (const c of this.followers.values()) c.abort();
    this.followers.clear();
  }
}
