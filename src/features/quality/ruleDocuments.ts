import * as vscode from 'vscode';
import { RULE_SCHEME } from './commandIds';

/** Read-only Markdown documents of rule descriptions. */
export class RuleDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'Run "Show rule description" again to load this rule.';
  }

  async show(rule: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: RULE_SCHEME, path: `/${rule.replace(/[^\w.-]/g, '_')}.md` });
    this.contents.set(uri.toString(), markdown);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}
