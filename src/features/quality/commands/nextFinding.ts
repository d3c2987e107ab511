import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from '../commandIds';

/** Moves the cursor to the next SonarCloud finding of the active editor's file, wrapping at the end. */
export const nextFinding = () => async () => {
  const editor = vscode.window.activeTextEditor;
  // All collections (lanes) of the file, as the editor shows them: clamped to the text as it is.
  const diagnostics = editor ? vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === DIAGNOSTIC_SOURCE)
    .sort((a, b) => a.range.start.compareTo(b.range.start)) : [];
  if (!editor || !diagnostics.length) {
    void vscode.window.showInformationMessage(editor ? 'This file has no SonarCloud findings.' : 'Open a file to walk its SonarCloud findings.');
    return;
  }
  const next = diagnostics.find((d) => d.range.start.isAfter(editor.selection.active)) ?? diagnostics[0];
  editor.selection = new vscode.Selection(next.range.start, next.range.start);
  editor.revealRange(next.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  vscode.window.setStatusBarMessage(`SonarCloud finding ${diagnostics.indexOf(next) + 1} of ${diagnostics.length}: ${next.message}`, 5000);
  await vscode.commands.executeCommand('editor.action.showHover');
};
