import * as vscode from 'vscode';
import { AwsSession } from './platform/aws';
import { CommandRegistry } from './platform/commands';
import { createLog } from './platform/log';
import { installProcesses } from './platform/processes';
import { readSettings, warnIgnoredMachineSettings } from './platform/settings';
import { activateExplorer } from './features/explorer/activation';
import { activateScaffold } from './features/scaffold/activation';
import { activatePipeline } from './features/pipeline/activation';
import type { PipelineRuns } from './features/pipeline/pipelineRuns';
import type { ClusterTreeProvider } from './features/explorer/clusterTree';
import { activateQuality, type QualityApi } from './features/quality/activation';
import { activateImages, type ImagesFeature } from './features/images/activation';
import { activateLocalStack, type LocalStackApi } from './features/localStack/activation';
import { activateLogs } from './features/logs/activation';
import { activateWalkthrough } from './features/walkthrough/activation';
import { activateAirflow, type AirflowApi } from './features/airflow/activation';
import type { TailSessions } from './platform/tailSessions';

/** What activate() returns; the in-host tests read it. */
export interface ExtensionApi {
  activationMs: number;
  session: AwsSession;
  clusterTree: ClusterTreeProvider;
  pipeline: PipelineRuns;
  quality: QualityApi;
  images: ImagesFeature;
  localStack: LocalStackApi;
  logTails: TailSessions;
  airflow: AirflowApi;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const { channel, logger } = createLog();
  const session = new AwsSession(logger);
  const registry = new CommandRegistry(context, logger);
  context.subscriptions.push(channel, session, installProcesses(logger), warnIgnoredMachineSettings(context.globalState));

  const images = activateImages(context, { session, registry, logger });
  activateScaffold(context, registry);
  const quality = activateQuality(context, { registry, logger });
  const logTails = activateLogs(context, { session, registry, logger });
  const clusterTree = activateExplorer(context, { session, registry, logger, channel, tails: logTails, imageBuild: images.imageBuild });
  const pipeline = activatePipeline(context, { session, registry, logger, logTails });
  context.subscriptions.push(pipeline.onDidFinish((build) => {
    if (build.projectName === readSettings().pipeline.dagProject) void quality.refreshInBackground();
  }));

  const localStack = activateLocalStack(context, { registry, logger, logTails });
  activateWalkthrough(context, registry);
  const airflow = activateAirflow(context, { session, registry, logger, logTails });

  const activationMs = performance.now() - started;
  logger.info(`Airflow on ECS ${context.extension.packageJSON.version} activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, session, clusterTree, pipeline, quality, images, localStack, logTails, airflow };
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
