import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { CommandRegistry } from '../../platform/commands';
import type { TailSessions } from '../../platform/tailSessions';
import { SECTION } from '../../platform/settings';
import { COMMANDS, PROJECT_UP_KEY, VIEW_ID } from './commandIds';
import { LocalStack } from './stack';
import { StackTreeProvider } from './stackTree';
import type { LocalStackDeps } from './commands/deps';
import { up } from './commands/up';
import { down } from './commands/down';
import { restart } from './commands/restart';
import { stop } from './commands/stop';
import { start } from './commands/start';
import { pull } from './commands/pull';
import { build } from './commands/build';
import { scaleWorkers } from './commands/scaleWorkers';
import { logs } from './commands/logs';
import { openInBrowser } from './commands/openInBrowser';
import { shell } from './commands/shell';
import { runAirflowCli } from './commands/runAirflowCli';
import { refresh } from './commands/refresh';
import { retry } from './commands/retry';
import { selectComposeFile } from './commands/selectComposeFile';
import { showOutput } from './commands/showOutput';

export interface LocalStackServices {
  registry: CommandRegistry;
  logger: Logger;
  logTails: TailSessions;
}

export interface LocalStackApi {
  stack: LocalStack;
  tree: StackTreeProvider;
}

/** The Local Stack view and its commands. Docker is contacted only when the view or a command needs it. */
export function activateLocalStack(context: vscode.ExtensionContext, services: LocalStackServices): LocalStackApi {
  const stack = new LocalStack(context.workspaceState, services.logger);
  // The tree names the engine it could not reach in the view's message (read once the view exists).
  const tree = new StackTreeProvider(stack, services.logger, (text) => { view.message = text; });
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, canSelectMany: true });
  const deps: LocalStackDeps = { stack, tree, logger: services.logger, tails: services.logTails };
  context.subscriptions.push(stack, tree, view);

  const handlers = {
    [COMMANDS.up]: up,
    [COMMANDS.down]: down,
    [COMMANDS.restart]: restart,
    [COMMANDS.stop]: stop,
    [COMMANDS.start]: start,
    [COMMANDS.pull]: pull,
    [COMMANDS.build]: build,
    [COMMANDS.scale]: scaleWorkers,
    [COMMANDS.logs]: logs,
    [COMMANDS.openInBrowser]: openInBrowser,
    [COMMANDS.shell]: shell,
    [COMMANDS.runAirflowCli]: runAirflowCli,
    [COMMANDS.refresh]: refresh,
    [COMMANDS.retry]: retry,
    [COMMANDS.selectComposeFile]: selectComposeFile,
    [COMMANDS.showOutput]: showOutput,
  };
  services.registry.registerAll(handlers, deps);

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.localStack`) && stack.reset()),
    uptimeTicker(view, tree),
    // The walkthrough's "run the local stack" step completes when the project runs, view shown or not.
    stack.onDidChange(() => void vscode.commands.executeCommand('setContext', PROJECT_UP_KEY, stack.tracker?.containers.some((c) => c.state === 'running') ?? false)),
  );
  return { stack, tree };
}

/** Redraws once a minute while visible so "Up 5 min" stays true; costs no Docker call. */
function uptimeTicker(view: vscode.TreeView<unknown>, tree: StackTreeProvider): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const update = () => {
    if (timer) clearInterval(timer);
    timer = view.visible ? setInterval(() => tree.refresh(), 60_000) : undefined;
  };
  update();
  const sub = view.onDidChangeVisibility(update);
  return { dispose: () => { if (timer) clearInterval(timer); sub.dispose(); } };
}
