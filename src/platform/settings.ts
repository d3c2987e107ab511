import * as vscode from 'vscode';
import type { ConnectionSettings } from '../core/aws/connection';

export const SECTION = 'airflowEcs';

export interface ExtensionSettings {
  connection: ConnectionSettings;
  /** Seconds between refreshes of a visible explorer; 0 turns it off. */
  refreshIntervalSeconds: number;
  logs: {
    /** A tail starts this many minutes back. */
    startMinutes: number;
    /** Try CloudWatch Live Tail before polling. */
    liveTail: boolean;
  };
}

/** Reads every setting in one place into a typed, validated object. */
export function readSettings(): ExtensionSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const interval = cfg.get<number>('explorer.refreshInterval', 30);
  const startMinutes = cfg.get<number>('logs.startMinutes', 10);
  return {
    connection: {
      profile: cfg.get<string>('aws.profile', '').trim(),
      region: cfg.get<string>('aws.region', '').trim(),
      // Declared with "scope": "machine", so a workspace can never redirect signed requests.
      endpoint: cfg.get<string>('aws.endpointUrl', '').trim(),
    },
    refreshIntervalSeconds: Number.isFinite(interval) && interval >= 0 ? interval : 30,
    logs: {
      startMinutes: Number.isFinite(startMinutes) && startMinutes >= 0 ? startMinutes : 10,
      liveTail: cfg.get<boolean>('logs.liveTail', true),
    },
  };
}

export async function updateUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

export function openSetting(key: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${key}`);
}
