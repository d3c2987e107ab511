import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  applyScaffold, planScaffold, SCAFFOLD_PARTS, TEMPLATE_DEFAULTS, validateProjectName, validateRegion, validateRepositoryName,
  type ScaffoldValues,
} from '../../../core/scaffold/scaffold';
import { readSettings } from '../../../platform/settings';

function cancelled(): never {
  throw new vscode.CancellationError();
}

async function targetFolder(arg: unknown): Promise<vscode.Uri> {
  if (arg instanceof vscode.Uri) return arg;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0].uri;
  if (folders.length > 1) return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to initialize' }))?.uri ?? cancelled();
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Initialize Here' });
  return picked?.[0] ?? cancelled();
}

async function ask(title: string, value: string, validateInput: (v: string) => string | undefined): Promise<string> {
  const answer = await vscode.window.showInputBox({ title: `Initialize Airflow Project: ${title}`, value, validateInput });
  return answer?.trim() ?? cancelled();
}

/** Copies the chosen templates into the workspace with the user's names; never overwrites without asking. */
export const initializeProject = (extensionRoot: string) => async (arg?: unknown) => {
  const folder = await targetFolder(arg);
  const parts = await vscode.window.showQuickPick(
    SCAFFOLD_PARTS.map((p) => ({ label: p.label, detail: p.description, picked: true, id: p.id })),
    { canPickMany: true, title: 'Initialize Airflow Project: parts to add', placeHolder: `Into ${folder.fsPath}` },
  );
  if (!parts?.length) cancelled();

  const suggested = path.basename(folder.fsPath).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  const projectName = await ask('project name', validateProjectName(suggested) ? TEMPLATE_DEFAULTS.projectName : suggested, validateProjectName);
  const region = await ask('AWS region', readSettings().connection.region || TEMPLATE_DEFAULTS.region, validateRegion);
  const repositoryName = await ask('ECR repository name', `${projectName}-image`, validateRepositoryName);
  const values: ScaffoldValues = { projectName, region, repositoryName };

  const plan = await planScaffold({ extensionRoot, targetRoot: folder.fsPath, parts: parts.map((p) => p.id), values });
  const clashes = plan.files.filter((f) => f.exists && !f.identical);
  let overwrite = new Set<string>();
  if (clashes.length) {
    const chosen = await vscode.window.showQuickPick(
      clashes.map((f) => ({ label: f.relativeTarget, description: 'exists and differs' })),
      { canPickMany: true, title: `${clashes.length} file(s) already exist: tick the ones to overwrite, leave the rest as they are` },
    );
    if (!chosen) cancelled();
    overwrite = new Set(chosen.map((c) => c.label));
  }

  const result = await applyScaffold(plan, { overwrite });
  const kept = result.skipped.length ? `, kept ${result.skipped.length} existing` : '';
  void vscode.window.showInformationMessage(
    `Airflow project initialized in ${path.basename(folder.fsPath)}: wrote ${result.written.length} file(s), ${result.unchanged.length} already up to date${kept}.`,
  );
  const readme = [...result.written, ...result.unchanged].find((f) => f.endsWith('README.md'));
  if (readme) await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(folder, readme));
  return result;
};
