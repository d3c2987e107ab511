import type * as vscode from 'vscode';
import type { Logger } from '../../../core/log';
import type { CommandRegistry } from '../../../platform/commands';
import { LoadMoreNode } from '../../../platform/nodeTree';
import type { TailSessions } from '../../../platform/tailSessions';
import { AirflowRuns, type AirflowRunsHost, type DagRow } from './airflowRuns';
import { RUN_COMMANDS } from './commandIds';
import { TaskLogChannels } from './taskLogChannels';
import type { RunCommandDeps } from './commands/deps';
import { triggerDag, triggerDagWithDefaults } from './commands/triggerDag';
import { pauseDag, unpauseDag } from './commands/pauseDag';
import { markRunFailed, markRunSuccess } from './commands/markRun';
import { markTaskFailed, markTaskSuccess } from './commands/markTask';
import { clearTask } from './commands/clearTask';
import { showTaskLog } from './commands/showTaskLog';

export interface AirflowRunsServices {
  registry: CommandRegistry;
  logger: Logger;
  logTails: TailSessions;
  host: AirflowRunsHost;
}

export interface AirflowRunsApi {
  runs: AirflowRuns;
  logs: TaskLogChannels;
}

/** The runs under the Airflow view's DAG rows, their task logs and the run commands. */
export function activateAirflowRuns(context: vscode.ExtensionContext, { registry, logger, logTails, host }: AirflowRunsServices): AirflowRunsApi {
  const runs = new AirflowRuns(host, logger);
  const logs = new TaskLogChannels(logTails, () => host.client());
  context.subscriptions.push(runs, logs);
  const deps: RunCommandDeps & { dagChanged(dagId: string): void } = { client: () => host.client(), runs, logs, dagChanged: (dagId) => host.dagChanged(dagId) };
  registry.registerAll({
    [RUN_COMMANDS.triggerDag]: triggerDag,
    [RUN_COMMANDS.triggerDagWithDefaults]: triggerDagWithDefaults,
    [RUN_COMMANDS.pauseDag]: pauseDag,
    [RUN_COMMANDS.unpauseDag]: unpauseDag,
    [RUN_COMMANDS.markRunSuccess]: markRunSuccess,
    [RUN_COMMANDS.markRunFailed]: markRunFailed,
    [RUN_COMMANDS.clearTask]: clearTask,
    [RUN_COMMANDS.markTaskSuccess]: markTaskSuccess,
    [RUN_COMMANDS.markTaskFailed]: markTaskFailed,
    [RUN_COMMANDS.showTaskLog]: showTaskLog,
  }, deps);
  registry.register(RUN_COMMANDS.loadMoreRuns, (node: unknown) => {
    if (node instanceof LoadMoreNode) runs.loadMore(node.parent as DagRow);
  });
  return { runs, logs };
}
