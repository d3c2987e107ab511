import * as vscode from 'vscode';
import { resolveConnection, type AwsConnection } from '../core/aws/connection';
import { createEcsApi, type EcsApi } from '../core/aws/ecs';
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
  private ecsApi: { conn: AwsConnection; api: EcsApi } | undefined;
  private logsApi: { conn: AwsConnection; api: LogsApi } | undefined;
  private readonly listener: vscode.Disposable;

  constructor(private readonly logger: Logger) {
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.aws`)) this.reset();
    });
  }

  reset(): void {
    this.connectionPromise = undefined;
    this.ecsApi = undefined;
    this.logsApi = undefined;
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

  async ecs(): Promise<EcsApi> {
    const conn = await this.connection();
    if (this.ecsApi?.conn !== conn) {
      this.logger.info(`AWS: profile ${conn.profile}, region ${conn.region}${conn.endpoint ? `, endpoint ${conn.endpoint}` : ''}`);
      this.ecsApi = { conn, api: createEcsApi(conn, this.logger) };
    }
    return this.ecsApi.api;
  }

  async logs(): Promise<LogsApi> {
    const conn = await this.connection();
    if (this.logsApi?.conn !== conn) this.logsApi = { conn, api: createLogsApi(conn, this.logger) };
    return this.logsApi.api;
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
