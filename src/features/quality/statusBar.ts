import * as vscode from 'vscode';
import { describeCondition, GATE_ICON } from '../../core/sonar/gate';
import { fileSummary } from '../../core/sonar/mapping';
import { QUALITY_VIEW } from './commandIds';
import type { QualityService } from './qualityService';
import { notes, originWords, warnings } from './qualityTree';

/**
 * The gate in the status bar; its tooltip tells the active file's findings, the failing conditions
 * and what the findings are of. Screen readers get the same in plain words (no Markdown, no codicons).
 */
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
    const headline = gate ? (gate.state === 'none' ? 'No quality gate' : `Quality gate: ${gate.label}`) : `Sonar findings: ${s.files.length} files`;
    item.text = `$(${gate ? GATE_ICON[gate.state][0] : 'file'}) ${headline}`;
    item.backgroundColor = gate?.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const editor = vscode.window.activeTextEditor;
    const inFile = editor?.document.uri.scheme === 'file' ? fileSummary(service.findingsOf(editor.document.uri)) : undefined;
    const lines = [
      ...(inFile ? [inFile] : []),
      ...(gate?.state === 'none' ? [gate.label + '.'] : []),
      ...(gate?.failing ?? []).map((c) => `Failing: ${describeCondition(c)}`),
      ...warnings(s), ...notes(s),
    ];
    const md = new vscode.MarkdownString(`**SonarCloud** · ${s.project.projectKey} · ${originWords(s)}`);
    for (const l of lines) md.appendMarkdown(`\n\n${l.startsWith('Failing: ') ? `$(error) ${l.slice(9)}` : l}`);
    md.supportThemeIcons = true;
    item.tooltip = md;
    item.accessibilityInformation = { label: [`SonarCloud, ${s.project.projectKey}, ${originWords(s)}: ${headline}.`, ...lines].join(' '), role: 'button' };
    item.show();
  };
  const subs = [service.onDidChange(update), vscode.window.onDidChangeActiveTextEditor(update)];
  return { dispose: () => { subs.forEach((s) => s.dispose()); item.dispose(); } };
}
