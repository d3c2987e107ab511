import * as vscode from 'vscode';
import { AwsSession } from './platform/aws';
import { CommandRegistry } from './platform/commands';
import { createLog } from './platform/log';
import { activateExplorer } from './features/explorer/activation';
import type { ClusterTreeProvider } from './features/explorer/clusterTree';
import { activateLogs } from './features/logs/activation';
import type { TailSessions } from './features/logs/tailSessions';

/** What activate() returns; the in-host tests read it. */
export interface ExtensionApi {
  activationMs: number;
  clusterTree: ClusterTreeProvider;
  logTails: TailSessions;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const { channel, logger } = createLog();
  const session = new AwsSession(logger);
  const registry = new CommandRegistry(context, logger);
  context.subscriptions.push(channel, session);

  const clusterTree = activateExplorer(context, { session, registry, logger, channel });
  const logTails = activateLogs(context, { session, registry, logger });

  const activationMs = performance.now() - started;
  logger.info(`Airflow on ECS ${context.extension.packageJSON.version} activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, clusterTree, logTails };
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
