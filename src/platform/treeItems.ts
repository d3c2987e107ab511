import * as vscode from 'vscode';
import type { NodeView, Tone } from '../core/ecs/present';

/** One icon and colour per state, for every tree of the extension. */
const TONE_ICON: Record<Tone, [string, string]> = {
  ok: ['pass-filled', 'testing.iconPassed'],
  progress: ['sync~spin', 'charts.yellow'],
  warning: ['warning', 'list.warningForeground'],
  error: ['error', 'list.errorForeground'],
  inactive: ['circle-slash', 'disabledForeground'],
};

/**
 * A tree item drawn from a view (label, description, markdown tooltip, tone). `okIcon` names
 * what the node is while all is well (a cluster, a service); other states show the state's icon.
 */
export function viewItem(id: string, view: NodeView, collapsible: vscode.TreeItemCollapsibleState, contextValue: string, okIcon?: string): vscode.TreeItem {
  const ti = new vscode.TreeItem(view.label, collapsible);
  ti.id = id;
  ti.description = view.description;
  ti.tooltip = new vscode.MarkdownString(view.tooltip);
  ti.contextValue = contextValue;
  const [icon, color] = TONE_ICON[view.tone];
  ti.iconPath = new vscode.ThemeIcon(view.tone === 'ok' && okIcon ? okIcon : icon, new vscode.ThemeColor(color));
  return ti;
}
