import * as vscode from 'vscode';
import { connectionLabel, listProfiles, resolveConnection, summarizeConnection, type AwsConnection } from '../core/aws/connection';
import { createCloudFormationApi, type CloudFormationApi } from '../core/aws/cloudformation';
import { createCodeBuildApi, type CodeBuildApi } from '../core/aws/codebuild';
import { createEcsApi, type EcsApi } from '../core/aws/ecs';
import { createEcrApi, type EcrApi } from '../core/aws/ecr';
import { createElbApi, type ElbApi } from '../core/aws/elb';
import { createLogsApi, type LogsApi } from '../core/aws/logs';
import { createSsmApi, type SsmApi } from '../core/aws/ssm';
import { AwsProblem, type AwsProblemKind } from '../core/aws/errors';
import type { Logger } from '../core/log';
import { readSettings, SECTION } from './settings';

/**
 * Failures of the connection itself, which every AWS view explains with its welcome content
 * (a sentence and the buttons that fix it: Select Region, Select AWS Profile, Open Settings)
 * instead of an error row. The view's `<view>.state` context key names the kind.
 */
const CONNECTION_KINDS: ReadonlySet<AwsProblemKind> = new Set(['noRegion', 'noCredentials', 'ssoExpired', 'unknownProfile', 'invalidEndpoint', 'network', 'badResponse']);

export function connectionProblem(err: unknown): AwsProblemKind | undefined {
  return err instanceof AwsProblem && CONNECTION_KINDS.has(err.kind) ? err.kind : undefined;
}

/** Sets the context key a view's welcome content reads. */
export function setViewState(key: string, state: string): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, state);
}

/**
 * The AWS connection from settings, and SDK clients built on first use. Settings changes
 * drop the clients and tell listeners, so views reload against the new profile or region.
 */
export class AwsSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private connectionPromise: Promise<AwsConnection> | undefined;
  private readonly apis = new Map<string, { conn: AwsConnection; api: unknown }>();
  private readonly listener: vscode.Disposable;

  constructor(private readonly logger: Logger) {
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.aws`)) this.reset();
    });
  }

  reset(): void {
    this.connectionPromise = undefined;
    this.apis.clear();
    this.changed.fire();
  }

  connection(): Promise<AwsConnection> {
    if (!this.connectionPromise) {
      const pending = resolveConnection(readSettings().connection);
      // A failed resolution is retried next time instead of being cached.
      pending.catch(() => {
        if (this.connectionPromise === pending) this.connectionPromise = undefined;
      });
      this.connectionPromise = pending;
    }
    return this.connectionPromise;
  }

  ecs(): Promise<EcsApi> {
    return this.api('ecs', createEcsApi);
  }

  codebuild(): Promise<CodeBuildApi> {
    return this.api('codebuild', createCodeBuildApi);
  }

  /** One client per service and connection, built on first use. */
  private async api<T>(service: string, create: (conn: AwsConnection, logger: Logger) => T): Promise<T> {
    const conn = await this.connection();
    const cached = this.apis.get(service);
    if (cached?.conn === conn) return cached.api as T;
    if (this.apis.size === 0) this.logger.info(`AWS: credentials from ${conn.profile ? `profile ${conn.profile}` : `the default chain (${conn.source})`}, region ${conn.region}${conn.endpoint ? `, endpoint ${conn.endpoint}` : ''}`);
    const api = create(conn, this.logger);
    this.apis.set(service, { conn, api });
    return api;
  }

  ecr(): Promise<EcrApi> {
    return this.api('ecr', createEcrApi);
  }

  logs(): Promise<LogsApi> {
    return this.api('logs', createLogsApi);
  }

  elb(): Promise<ElbApi> {
    return this.api('elb', createElbApi);
  }

  ssm(): Promise<SsmApi> {
    return this.api('ssm', createSsmApi);
  }

  cloudformation(): Promise<CloudFormationApi> {
    return this.api('cloudformation', createCloudFormationApi);
  }

  /**
   * `source @ region` for view descriptions (`env @ eu-west-1`, `sso-dev @ eu-west-1`): where the
   * credentials come from, read from settings, environment and profile files, never from AWS.
   */
  async label(): Promise<string> {
    const profiles = await listProfiles().catch(() => []);
    return connectionLabel(summarizeConnection(readSettings().connection, process.env, profiles));
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}
