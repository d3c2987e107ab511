import * as vscode from 'vscode';
import type { QualityDeps } from './deps';

/** Moves the cursor to the next SonarCloud finding of the active editor's file, wrapping at the end. */
export const nextFinding = ({ service }: QualityDeps) => async () => {
  const editor = vscode.window.activeTextEditor;
  const findings = editor ? service.findingsOf(editor.document.uri) : [];
  if (!editor || !findings.length) {
    void vscode.window.showInformationMessage(editor ? 'This file has no SonarCloud findings.' : 'Open a file to walk its SonarCloud findings.');
    return;
  }
  const at = editor.selection.active;
  const diagnostics = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'SonarCloud')
    .sort((a, b) => a.range.start.compareTo(b.range.start));
  const next = diagnostics.find((d) => d.range.start.isAfter(at)) ?? diagnostics[0];
  if (!next) return;
  editor.selection = new vscode.Selection(next.range.start, next.range.start);
  editor.revealRange(next.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  const index = diagnostics.indexOf(next) + 1;
  vscode.window.setStatusBarMessage(`SonarCloud finding ${index} of ${diagnostics.length}: ${next.message}`, 5000);
  await vscode.commands.executeCommand('editor.action.showHover');
};
