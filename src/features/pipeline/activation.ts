import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import type { CommandRegistry } from '../../platform/commands';
import type { TailSessions } from '../../platform/tailSessions';
import { SECTION } from '../../platform/settings';
import { MINUTE_MS, whileVisible } from '../../platform/visibleTimer';
import { PIPELINE_COMMANDS, PIPELINE_VIEW } from './commandIds';
import { PipelineRuns } from './pipelineRuns';
import { PipelineTreeProvider } from './pipelineTree';
import type { PipelineDeps } from './commands/deps';
import { runDagPipeline } from './commands/runDagPipeline';
import { buildImage } from './commands/buildImage';
import { stopBuild } from './commands/stopBuild';
import { retryBuild } from './commands/retryBuild';
import { copyBuildArn } from './commands/copyBuildArn';
import { openBuildInConsole } from './commands/openBuildInConsole';
import { selectProjects } from './commands/selectProjects';
import { refresh } from './commands/refresh';

export interface PipelineServices {
  session: AwsSession;
  registry: CommandRegistry;
  logger: Logger;
  logTails: TailSessions;
}

/** The Pipelines view, the HEAD status bar item and the pipeline commands. */
export function activatePipeline(context: vscode.ExtensionContext, { session, registry, logger, logTails }: PipelineServices): PipelineRuns {
  const tree = new PipelineTreeProvider(session, logger, () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const runs = new PipelineRuns(context, session, tree, logger, logTails);
  const view = vscode.window.createTreeView(PIPELINE_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(tree, runs, view, tree.onDidLoad(() => void runs.updateStatusBar()));
  // Build ages ("4 min ago") move on while the view shows, and are current when it shows again.
  context.subscriptions.push(whileVisible(view, () => tree.redraw(), { everyMs: () => MINUTE_MS, onShown: true }));

  const deps: PipelineDeps = { session, tree, runs };
  const handlers = {
    [PIPELINE_COMMANDS.runDagPipeline]: runDagPipeline,
    [PIPELINE_COMMANDS.buildImage]: buildImage,
    [PIPELINE_COMMANDS.stopBuild]: stopBuild,
    [PIPELINE_COMMANDS.retryBuild]: retryBuild,
    [PIPELINE_COMMANDS.copyBuildArn]: copyBuildArn,
    [PIPELINE_COMMANDS.openBuildInConsole]: openBuildInConsole,
    [PIPELINE_COMMANDS.selectProjects]: selectProjects,
    [PIPELINE_COMMANDS.refresh]: refresh,
  };
  registry.registerAll(handlers, deps);

  // HEAD moves on commit, checkout and pull: the status bar answers for the new HEAD.
  const head = vscode.workspace.createFileSystemWatcher('**/.git/{HEAD,refs/heads/**}');
  context.subscriptions.push(head, head.onDidChange(() => void runs.updateStatusBar()), head.onDidCreate(() => void runs.updateStatusBar()));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.pipeline`) || e.affectsConfiguration(`${SECTION}.aws`)) tree.refresh();
  }));
  // Builds that were running when the window closed: followed again, off the activation path.
  setTimeout(() => runs.resume(), 0);
  return runs;
}
