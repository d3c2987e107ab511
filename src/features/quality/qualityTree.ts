import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeFailure } from '../../platform/errors';
import { describeCondition } from '../../core/sonar/gate';
import type { Severity } from '../../core/sonar/mapping';
import { COMMANDS } from './commandIds';
import type { QualityService, QualitySnapshot } from './qualityService';

const PROBLEMS = 'workbench.actions.view.problems';
const SEVERITY_LABEL: Record<Severity, [string, string, string]> = {
  error: ['Errors', 'error', 'list.errorForeground'],
  warning: ['Warnings', 'warning', 'list.warningForeground'],
  information: ['Information', 'info', 'list.highlightForeground'],
  hint: ['Hints', 'lightbulb', 'disabledForeground'],
};

export interface QualityNode {
  item: vscode.TreeItem;
  children?: QualityNode[];
}

function leaf(id: string, label: string, description: string, icon: string, color?: string, command?: vscode.Command): QualityNode {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = id;
  item.description = description;
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.command = command;
  return { item };
}

function group(id: string, label: string, description: string, icon: string, color: string | undefined, children: QualityNode[], command?: vscode.Command, contextValue?: string): QualityNode {
  const node = leaf(id, label, description, icon, color, command);
  node.item.collapsibleState = children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
  node.item.contextValue = contextValue;
  node.children = children;
  return node;
}

const showProblems: vscode.Command = { command: PROBLEMS, title: 'Show Problems' };

const findings = (n: number) => (n === 1 ? '1 finding' : `${n} findings`);

/** Notes that explain what is (not) shown: fallback branch, staleness, files outside the workspace, the cap. */
export function notes(s: QualitySnapshot): string[] {
  const out: string[] = [];
  if (s.origin.kind === 'file') out.push(`Imported from ${s.origin.name}; refresh to read the server again.`);
  else if (s.origin.fallback) out.push(s.origin.fallback);
  if (s.stale) out.push(`Findings are for commit ${s.stale.analysed.slice(0, 8)}, your working tree is at ${s.stale.head.slice(0, 8)}: lines may have moved.`);
  if (s.leftOut) out.push(`${findings(s.leftOut)} left out: the API returns at most 10,000. Narrow the analysis, e.g. with sonar.exclusions.`);
  if (s.unmapped) out.push(`${findings(s.unmapped)} on files outside this workspace.`);
  return out;
}

/** The Quality view: the gate with its conditions, findings per severity and file, and notes. */
export class QualityTreeProvider implements vscode.TreeDataProvider<QualityNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: QualityService) {
    this.subscription = service.onDidChange(() => this.changed.fire());
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  getTreeItem(node: QualityNode): vscode.TreeItem {
    return node.item;
  }

  getChildren(node?: QualityNode): QualityNode[] {
    if (node) return node.children ?? [];
    const roots: QualityNode[] = [];
    if (this.service.failure) {
      const error = leaf('error', describeFailure(this.service.failure).message, '', 'error', 'list.errorForeground', { command: COMMANDS.refresh, title: 'Retry' });
      error.item.tooltip = 'Click to retry';
      error.item.contextValue = 'airflowEcs.quality.error';
      roots.push(error);
    }
    const s = this.service.snapshot;
    if (!s) return roots;
    if (s.gate) {
      const conditions = s.gate.conditions.map((c) => {
        const n = leaf(`condition:${c.metric}`, c.metric, `${c.status} · ${c.actual}, threshold ${c.threshold}`, c.failed ? 'error' : 'pass',
          c.failed ? 'list.errorForeground' : 'testing.iconPassed', showProblems);
        n.item.tooltip = describeCondition(c);
        return n;
      });
      const where = s.origin.kind === 'server' && s.origin.branch ? s.origin.branch : '';
      roots.push(group('gate', `Quality gate: ${s.gate.label}`, where, s.gate.passed ? 'pass' : 'error',
        s.gate.passed ? 'testing.iconPassed' : 'list.errorForeground', conditions, undefined, `airflowEcs.quality.gate.${s.gate.passed ? 'passed' : 'failed'}`));
    }
    for (const severity of Object.keys(SEVERITY_LABEL) as Severity[]) {
      if (!s.counts[severity]) continue;
      const [label, icon, color] = SEVERITY_LABEL[severity];
      const files = s.files.filter((f) => f.counts[severity]).map((f) => {
        const n = leaf(`${severity}:${f.file}`, path.basename(f.file), `${f.counts[severity]} · ${vscode.workspace.asRelativePath(f.file)}`, 'file', undefined,
          { command: 'vscode.open', title: 'Open File', arguments: [vscode.Uri.file(f.file)] });
        n.item.resourceUri = vscode.Uri.file(f.file);
        return n;
      });
      roots.push(group(`severity:${severity}`, label, String(s.counts[severity]), icon, color, files, showProblems, 'airflowEcs.quality.findings'));
    }
    for (const [i, note] of notes(s).entries()) roots.push(leaf(`note:${i}`, note, '', 'info'));
    return roots;
  }
}
