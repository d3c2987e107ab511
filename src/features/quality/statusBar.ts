import * as vscode from 'vscode';
import { describeCondition } from '../../core/sonar/gate';
import { QUALITY_VIEW } from './commandIds';
import type { QualityService } from './qualityService';
import { notes } from './qualityTree';

/** The gate in the status bar; its tooltip lists failing conditions and what the findings are of. */
export function createGateStatusBar(service: QualityService): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('airflowEcs.qualityGate', vscode.StatusBarAlignment.Left, 50);
  item.name = 'SonarCloud Quality Gate';
  item.command = `${QUALITY_VIEW}.focus`;
  const update = () => {
    const s = service.snapshot;
    if (!s) {
      item.hide();
      return;
    }
    const gate = s.gate;
    item.text = gate ? `$(${gate.passed ? 'pass' : 'error'}) Quality gate: ${gate.label}` : `$(file) Sonar findings: ${s.files.length} files`;
    item.backgroundColor = gate && !gate.passed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const md = new vscode.MarkdownString(`**SonarCloud** · ${s.project.projectKey}`);
    if (s.origin.kind === 'server') md.appendMarkdown(` · branch ${s.origin.branch ?? 'main'}`);
    for (const c of gate?.failing ?? []) md.appendMarkdown(`\n\n$(error) ${describeCondition(c)}`);
    for (const n of notes(s)) md.appendMarkdown(`\n\n${n}`);
    md.supportThemeIcons = true;
    item.tooltip = md;
    item.show();
  };
  const sub = service.onDidChange(update);
  return { dispose: () => { sub.dispose(); item.dispose(); } };
}
