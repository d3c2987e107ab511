import * as vscode from 'vscode';
import type { CommandRegistry } from '../../platform/commands';
import { COMMANDS } from './commandIds';

/** The walkthrough's id as VS Code knows it: `<publisher>.<name>#<walkthrough id>`. */
const WALKTHROUGH_ID = 'airflow-ecs.airflow-on-ecs#airflowEcs.gettingStarted';
const SHOWN_KEY = 'airflowEcs.walkthroughShown';

/**
 * The Getting Started walkthrough: always from the palette, and opened by itself once, on the
 * first activation (VS Code's own "open walkthroughs on install" setting turns that off).
 */
export function activateWalkthrough(context: vscode.ExtensionContext, registry: CommandRegistry): void {
  const open = () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
  registry.register(COMMANDS.getStarted, open);
  if (context.globalState.get<boolean>(SHOWN_KEY)) return;
  if (!vscode.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall', true)) return;
  // Off the activation path: activation returns first, the editor opens after.
  setTimeout(() => {
    void context.globalState.update(SHOWN_KEY, true).then(open);
  }, 0);
}
