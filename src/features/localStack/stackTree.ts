import * as vscode from 'vscode';
import { isCeleryWorker, type ComposeService } from '../../core/docker/composeFile';
import { DockerUnavailable } from '../../core/docker/engine';
import type { ContainerState } from '../../core/docker/stackState';
import { containerView, projectView, serviceView } from '../../core/docker/stackPresent';
import type { Logger } from '../../core/log';
import { describeFailure } from '../../platform/errors';
import { viewItem } from '../../platform/treeItems';
import { COMMANDS, STATE_KEY } from './commandIds';
import { NoComposeFile, type LocalStack, type LoadedProject } from './stack';

export class StackProjectNode {
  constructor(readonly project: LoadedProject, readonly containers: ContainerState[]) {}
  /** The model's services; while the file does not parse, those the containers' compose labels name. */
  get services(): ComposeService[] {
    if (this.project.model.ok) return this.project.model.services;
    return [...new Set(this.containers.map((c) => c.service))].sort().map((name) => ({ name, ports: [], hasHealthcheck: false }));
  }
}

export class StackServiceNode {
  constructor(readonly project: LoadedProject, readonly service: ComposeService, readonly containers: ContainerState[]) {}
  get name() { return this.service.name; }
}

export class StackContainerNode {
  constructor(readonly project: LoadedProject, readonly container: ContainerState) {}
}

export class StackMessageNode {
  constructor(readonly id: string, readonly message: string, readonly command?: vscode.Command) {}
}

export type StackNode = StackProjectNode | StackServiceNode | StackContainerNode | StackMessageNode;

/** Project -> services -> containers (when scaled). Redrawn on each change the events stream reports. */
export class StackTreeProvider implements vscode.TreeDataProvider<StackNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StackNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  /** The sentence above the welcome content (the view's `message`): which engine did not answer. */
  message: string | undefined;

  constructor(private readonly stack: LocalStack, private readonly logger: Logger, private readonly showMessage: (text: string | undefined) => void = () => undefined, private readonly now: () => number = Date.now) {
    this.subscription = stack.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: StackNode): vscode.TreeItem {
    const now = this.now();
    if (node instanceof StackProjectNode) {
      const view = projectView(node.project.name, node.services, node.containers, node.project.display);
      return viewItem(`project:${node.project.name}`, view, vscode.TreeItemCollapsibleState.Expanded, `airflowEcs.localStack.project.${view.state}`);
    }
    if (node instanceof StackServiceNode) {
      const view = serviceView(node.service, node.containers, now);
      const web = node.containers.some((c) => c.state === 'running' && c.ports.some((p) => p.type === 'tcp')) ? '.web' : '';
      // Scale Workers is offered on Celery workers only, which need a file that parses.
      const worker = node.project.model.ok && isCeleryWorker(node.service) ? '.worker' : '';
      return viewItem(`service:${node.project.name}/${node.name}`, view, node.containers.length > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None, `airflowEcs.localStack.service.${view.state}${web}${worker}`);
    }
    if (node instanceof StackContainerNode) {
      const view = containerView(node.container, now);
      return viewItem(`container:${node.container.id}`, view, vscode.TreeItemCollapsibleState.None, `airflowEcs.localStack.container.${view.state}`);
    }
    const ti = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
    ti.id = node.id;
    ti.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    ti.tooltip = node.message;
    ti.command = node.command;
    ti.contextValue = 'airflowEcs.localStack.message';
    return ti;
  }

  async getChildren(node?: StackNode): Promise<StackNode[]> {
    if (node instanceof StackProjectNode) {
      return node.services.map((s) => new StackServiceNode(node.project, s, node.containers.filter((c) => c.service === s.name)));
    }
    if (node instanceof StackServiceNode) {
      return node.containers.length > 1 ? node.containers.map((c) => new StackContainerNode(node.project, c)) : [];
    }
    if (node) return [];
    try {
      const project = await this.stack.load();
      await this.setState('ok');
      const containers = this.stack.tracker?.containers ?? [];
      // A file that does not parse still shows the project's containers (found by their labels).
      const broken = project.model.ok ? [] : [new StackMessageNode('compose-error', `${project.display}: line ${project.model.problem.line}, column ${project.model.problem.col}: ${project.model.problem.message} (see Problems; Stop, Down and Logs still work)`, { title: 'Show Problems', command: 'workbench.actions.view.problems' })];
      const error = this.stack.tracker?.error;
      const stale = error ? [new StackMessageNode('events-error', `Not watching for changes: ${describeFailure(error).message} Click to retry.`, { title: 'Retry', command: COMMANDS.retry })] : [];
      const root = project.model.ok || containers.length ? [new StackProjectNode(project, containers)] : [];
      return [...broken, ...stale, ...root];
    } catch (err) {
      if (err instanceof DockerUnavailable) {
        await this.setState('dockerUnavailable', err.message);
        return [];
      }
      if (err instanceof NoComposeFile) {
        await this.setState(err.candidates.length ? 'chooseComposeFile' : 'noComposeFile');
        return [];
      }
      this.logger.warn(`Local Stack: ${err instanceof Error ? err.message : String(err)}`);
      await this.setState('ok');
      return [new StackMessageNode('load-error', `${describeFailure(err).message} Click to retry.`, { title: 'Retry', command: COMMANDS.retry })];
    }
  }

  private async setState(state: 'ok' | 'noComposeFile' | 'chooseComposeFile' | 'dockerUnavailable', message?: string): Promise<void> {
    if (message !== this.message) this.showMessage(this.message = message);
    await vscode.commands.executeCommand('setContext', STATE_KEY, state);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
