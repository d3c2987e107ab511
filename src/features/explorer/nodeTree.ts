import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { connectionProblem, setViewState } from '../../platform/aws';
import { describeFailure } from '../../platform/errors';
import { ErrorNode, type ExplorerNode } from './nodes';

/**
 * A tree of ExplorerNodes: one change event, parents remembered for reveal, and getChildren
 * that never throws (a failure becomes an error node that retries on click).
 */
export abstract class NodeTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  protected readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  protected readonly parents = new WeakMap<ExplorerNode, ExplorerNode | undefined>();

  constructor(
    protected readonly logger: Logger,
    private readonly what: string,
    private readonly retryCommand: string,
    /** The context key the view's welcome content reads (`ok`, a connection problem, an empty state). */
    private readonly stateKey: string,
  ) {}

  protected abstract roots(): Promise<ExplorerNode[]>;

  protected async setState(state: string): Promise<void> {
    await setViewState(this.stateKey, state);
  }

  /** Reloads a node (or everything) from AWS. */
  refresh(node?: ExplorerNode): void {
    node?.reset();
    this.changed.fire(node);
  }

  /** Redraws a node from what it already holds (after Load more). */
  redraw(node: ExplorerNode): void {
    this.changed.fire(node);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.treeItem();
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return this.parents.get(node);
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    try {
      const children = node ? await node.children() : await this.roots();
      for (const c of children) this.parents.set(c, node);
      return children;
    } catch (err) {
      // A wrong connection empties the view: its welcome content says why, with the fix.
      const problem = node ? undefined : connectionProblem(err);
      if (problem) {
        this.logger.warn(`${this.what}: ${err instanceof Error ? err.message : String(err)}`);
        await this.setState(problem);
        return [];
      }
      this.logger.warn(`${this.what}: could not load ${node ? node.id : 'the root'}: ${err instanceof Error ? err.message : String(err)}`);
      const error = new ErrorNode(`${node?.id ?? 'root'}#error`, describeFailure(err).message, node, this.retryCommand);
      this.parents.set(error, node);
      return [error];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
