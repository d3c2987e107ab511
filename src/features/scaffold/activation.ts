import type * as vscode from 'vscode';
import type { CommandRegistry } from '../../platform/commands';
import { initializeProject } from './commands/initializeProject';

export const SCAFFOLD_COMMANDS = {
  initializeProject: 'airflowEcs.initializeProject',
} as const;

/** "Initialize Airflow Project": the templates shipped in the .vsix, copied into the workspace. */
export function activateScaffold(context: vscode.ExtensionContext, registry: CommandRegistry): void {
  registry.register(SCAFFOLD_COMMANDS.initializeProject, initializeProject(context.extensionPath));
}
