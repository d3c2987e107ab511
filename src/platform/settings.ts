import * as vscode from 'vscode';
import type { ConnectionSettings } from '../core/aws/connection';
import type { ComposeCommandSetting } from '../core/docker/composeCli';

export const SECTION = 'airflowEcs';

export interface ExtensionSettings {
  connection: ConnectionSettings;
  /** Seconds between refreshes of a visible explorer; 0 turns it off. */
  refreshIntervalSeconds: number;
  localStack: {
    /** Absolute or workspace-relative compose file; empty = find one in the workspace. */
    composeFile: string;
    composeCommand: ComposeCommandSetting;
  };
}

const COMPOSE_COMMANDS: readonly ComposeCommandSetting[] = ['auto', 'docker compose', 'docker-compose', 'podman compose'];

/** Reads every setting in one place into a typed, validated object. */
export function readSettings(): ExtensionSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const interval = cfg.get<number>('explorer.refreshInterval', 30);
  return {
    connection: {
      profile: cfg.get<string>('aws.profile', '').trim(),
      region: cfg.get<string>('aws.region', '').trim(),
      // Declared with "scope": "machine", so a workspace can never redirect signed requests.
      endpoint: cfg.get<string>('aws.endpointUrl', '').trim(),
    },
    refreshIntervalSeconds: Number.isFinite(interval) && interval >= 0 ? interval : 30,
    localStack: {
      composeFile: cfg.get<string>('localStack.composeFile', '').trim(),
      composeCommand: COMPOSE_COMMANDS.find((c) => c === cfg.get<string>('localStack.composeCommand')) ?? 'auto',
    },
  };
}

export async function updateUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

export function openSetting(key: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${key}`);
}
