import * as vscode from 'vscode';
import { COMMANDS, DIAGNOSTIC_SOURCE } from './commandIds';
import type { QualityService } from './qualityService';

/** "Open on SonarCloud" and "Show rule description" on SonarCloud diagnostics. */
export class SonarCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly service: QualityService) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const finding = this.service.findingFor(document.uri, diagnostic);
      if (!finding) continue;
      const open = new vscode.CodeAction('Open on SonarCloud', vscode.CodeActionKind.QuickFix);
      open.command = { command: COMMANDS.openFinding, title: open.title, arguments: [finding] };
      open.diagnostics = [diagnostic];
      actions.push(open);
      if (finding.rule) {
        const rule = new vscode.CodeAction('Show rule description', vscode.CodeActionKind.QuickFix);
        rule.command = { command: COMMANDS.showRule, title: rule.title, arguments: [finding.rule] };
        rule.diagnostics = [diagnostic];
        actions.push(rule);
      }
    }
    return actions;
  }
}
