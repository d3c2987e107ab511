import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { connectionProblem, setViewState } from './aws';
import { describeFailure } from './errors';

/** A row of a tree view: its item, its children, and what to forget on refresh. */
export abstract class TreeNode {
  abstract readonly id: string;
  abstract treeItem(): vscode.TreeItem;
  children(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
  /** Forgets what was loaded, so the next expansion asks AWS again. */
  reset(): void {}
}

/** A node that loads its children a page at a time. */
export type PagedNode = TreeNode & { loadMore(): Promise<void> };

export class LoadMoreNode extends TreeNode {
  constructor(readonly parent: PagedNode, private readonly command: string, private readonly label = 'Load more…') {
    super();
  }
  get id() { return `${this.parent.id}#more`; }
  treeItem() {
    const ti = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.iconPath = new vscode.ThemeIcon('ellipsis');
    ti.contextValue = 'airflowEcs.loadMore';
    ti.command = { command: this.command, title: 'Load more', arguments: [this] };
    return ti;
  }
}

export class MessageNode extends TreeNode {
  constructor(readonly id: string, private readonly message: string) {
    super();
  }
  treeItem() {
    const ti = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.contextValue = 'airflowEcs.message';
    return ti;
  }
}

/** What a failed expansion shows instead of throwing: the sentence, and a click to retry. */
export class ErrorNode extends TreeNode {
  constructor(readonly id: string, readonly message: string, readonly retryTarget: TreeNode | undefined, private readonly retryCommand: string) {
    super();
  }
  treeItem() {
    const ti = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    ti.tooltip = `${this.message}\n\nClick to retry.`;
    ti.contextValue = 'airflowEcs.error';
    ti.command = { command: this.retryCommand, title: 'Retry', arguments: [this] };
    return ti;
  }
}

/**
 * A tree of ExplorerNodes: one change event, parents remembered for reveal, and getChildren
 * that never throws (a failure becomes an error node that retries on click).
 */
export abstract class NodeTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  protected readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  protected readonly parents = new WeakMap<TreeNode, TreeNode | undefined>();

  constructor(
    protected readonly logger: Logger,
    private readonly what: string,
    private readonly retryCommand: string,
    /** The context key the view's welcome content reads (`ok`, a connection problem, an empty state). */
    private readonly stateKey: string,
  ) {}

  protected abstract roots(): Promise<TreeNode[]>;

  /** A chance to keep what is shown instead of an error row (a cancelled read); undefined: handle the error. */
  protected kept(_err: unknown, _node: TreeNode | undefined): TreeNode[] | undefined {
    return undefined;
  }

  protected async setState(state: string): Promise<void> {
    await setViewState(this.stateKey, state);
  }

  /** Reloads a node (or everything) from AWS. */
  refresh(node?: TreeNode): void {
    node?.reset();
    this.changed.fire(node);
  }

  /** Redraws a node from what it already holds (after Load more). */
  redraw(node: TreeNode): void {
    this.changed.fire(node);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.treeItem();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      const children = node ? await node.children() : await this.roots();
      for (const c of children) this.parents.set(c, node);
      return children;
    } catch (err) {
      const kept = this.kept(err, node);
      if (kept) return kept;
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
