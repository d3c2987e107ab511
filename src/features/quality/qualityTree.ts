import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeFailure } from '../../platform/errors';
import { formatCount, plural } from '../../core/sonar/format';
import { describeCondition, GATE_ICON, NO_GATE } from '../../core/sonar/gate';
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

/** Groups of more files than this start collapsed, so that the groups after them stay in sight. */
const EXPAND_UP_TO = 20;

function group(id: string, label: string, description: string, icon: string, color: string | undefined, children: QualityNode[], command?: vscode.Command, contextValue?: string): QualityNode {
  const node = leaf(id, label, description, icon, color, command);
  node.item.collapsibleState = !children.length ? vscode.TreeItemCollapsibleState.None
    : children.length > EXPAND_UP_TO ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded;
  node.item.contextValue = contextValue;
  node.children = children;
  return node;
}

const showProblems: vscode.Command = { command: PROBLEMS, title: 'Show Problems' };
const retry: vscode.Command = { command: COMMANDS.refresh, title: 'Retry' };

/** What the findings are of, in words: "branch main", "pull request #42 (Fix the sensor)". */
export function originWords(s: QualitySnapshot): string {
  if (s.origin.kind === 'file') return s.origin.name;
  const pr = s.origin.pullRequest;
  if (pr) return `pull request #${pr.key}${pr.title ? ` (${pr.title})` : ''}`;
  return `branch ${s.origin.target.branch ?? 'main'}`;
}

/** Sentences that say what was not loaded, or is old: a failed part, a failed refresh. */
export function warnings(s: QualitySnapshot): string[] {
  return [...(s.asOf ? [s.asOf] : []), ...s.failures];
}

/** Notes that explain what is (not) shown: fallback branch, staleness, files outside the workspace or project, the cap. */
export function notes(s: QualitySnapshot): string[] {
  const out: string[] = [];
  if (s.origin.kind === 'file') out.push(`Imported from ${s.origin.name}; refresh to read the server again.`);
  else if (s.origin.fallback) out.push(s.origin.fallback);
  if (s.stale) out.push(`Findings are for commit ${s.stale.analysed.slice(0, 8)}, your working tree is at ${s.stale.head.slice(0, 8)}: lines may have moved.`);
  if (s.leftOut) {
    out.push(s.origin.kind === 'file'
      ? `${s.origin.name} holds ${formatCount(s.origin.held)} of the ${formatCount(s.origin.held + s.leftOut)} issues the server counted.`
      : `${plural(s.leftOut, 'finding')} left out: the API returns at most 10,000. Narrow the analysis, e.g. with sonar.exclusions.`);
  }
  if (s.unmapped) out.push(`${plural(s.unmapped, 'finding')} on files outside this workspace.`);
  if (s.foreign) out.push(`${plural(s.foreign, 'finding')} outside this project (another project key than ${s.project.projectKey}).`);
  if (s.belowMinimum) out.push(`${plural(s.belowMinimum, 'finding')} below the minimum severity (${s.minimumSeverity}) not shown: airflowEcs.sonar.minimumSeverity.`);
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
    if (this.service.failure && !this.service.snapshot?.asOf) {
      const error = leaf('error', describeFailure(this.service.failure).message, '', 'error', 'list.errorForeground', retry);
      error.item.tooltip = 'Click to retry';
      error.item.contextValue = 'airflowEcs.quality.error';
      roots.push(error);
    }
    const s = this.service.snapshot;
    if (!s) return roots;
    for (const [i, w] of warnings(s).entries()) {
      const n = leaf(`warning:${i}`, w, '', 'warning', 'list.warningForeground', retry);
      n.item.tooltip = `${w}\n\nClick to refresh.`;
      roots.push(n);
    }
    if (s.origin.kind === 'server' && s.origin.branchPullRequests.length) {
      const n = leaf('origin', `Showing ${originWords(s)}`, 'change…', s.origin.pullRequest ? 'git-pull-request' : 'git-branch', undefined,
        { command: COMMANDS.chooseAnalysis, title: 'Choose Branch or Pull Request' });
      n.item.tooltip = 'Choose the branch or one of its pull requests';
      roots.push(n);
    }
    if (s.gate) {
      const conditions = s.gate.conditions.map((c) => {
        const n = leaf(`condition:${c.metric}`, c.metric, `${c.status} · ${c.actual}, threshold ${c.threshold}`, c.failed ? 'error' : 'pass',
          c.failed ? 'list.errorForeground' : 'testing.iconPassed', showProblems);
        n.item.tooltip = describeCondition(c);
        return n;
      });
      const where = s.origin.kind === 'server' ? (s.origin.pullRequest ? `#${s.origin.pullRequest.key}` : s.origin.target.branch ?? '') : '';
      const [icon, color] = GATE_ICON[s.gate.state];
      roots.push(group('gate', s.gate.state === 'none' ? NO_GATE : `Quality gate: ${s.gate.label}`, where, icon, color, conditions, undefined, `airflowEcs.quality.gate.${s.gate.state}`));
    }
    for (const severity of Object.keys(SEVERITY_LABEL) as Severity[]) {
      if (!s.counts[severity]) continue;
      const [label, icon, color] = SEVERITY_LABEL[severity];
      const files = s.files.filter((f) => f.counts[severity]).map((f) => {
        const n = leaf(`${severity}:${f.file}`, path.basename(f.file), `${formatCount(f.counts[severity])} · ${vscode.workspace.asRelativePath(f.file)}`, 'file', undefined,
          { command: 'vscode.open', title: 'Open File', arguments: [vscode.Uri.file(f.file)] });
        n.item.resourceUri = vscode.Uri.file(f.file);
        return n;
      });
      roots.push(group(`severity:${severity}`, label, formatCount(s.counts[severity]), icon, color, files, showProblems, 'airflowEcs.quality.findings'));
    }
    for (const [i, note] of notes(s).entries()) roots.push(leaf(`note:${i}`, note, '', 'info'));
    return roots;
  }
}
