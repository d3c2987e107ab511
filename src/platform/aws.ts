import * as vscode from 'vscode';
import { resolveConnection, type AwsConnection } from '../core/aws/connection';
import { createCodeBuildApi, type CodeBuildApi } from '../core/aws/codebuild';
import { createEcsApi, type EcsApi } from '../core/aws/ecs';
import { createEcrApi, type EcrApi } from '../core/aws/ecr';
import { createElbApi, type ElbApi } from '../core/aws/elb';
import { createLogsApi, type LogsApi } from '../core/aws/logs';
import type { Logger } from '../core/log';
import { readSettings, SECTION } from './settings';

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
    if (this.apis.size === 0) this.logger.info(`AWS: profile ${conn.profile}, region ${conn.region}${conn.endpoint ? `, endpoint ${conn.endpoint}` : ''}`);
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

  /** `profile @ region` for view descriptions, without waiting on anything slow. */
  label(): string {
    const { profile, region } = readSettings().connection;
    return `${profile || process.env.AWS_PROFILE || 'default'} @ ${region || process.env.AWS_REGION || 'profile region'}`;
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}
