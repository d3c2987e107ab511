import * as vscode from 'vscode';
import type { ConnectionSettings } from '../core/aws/connection';
import type { SonarOverrides } from '../core/sonar/properties';

export const SECTION = 'airflowEcs';

export interface ExtensionSettings {
  connection: ConnectionSettings;
  /** Seconds between refreshes of a visible explorer; 0 turns it off. */
  refreshIntervalSeconds: number;
  /** CodeBuild project names of the reference architecture's two pipelines. */
  pipeline: { dagProject: string; imageProject: string };
  /** Overrides of sonar-project.properties; empty = take the file's value. */
  sonar: SonarOverrides;
}

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
    pipeline: {
      dagProject: cfg.get<string>('pipeline.dagProject', '').trim(),
      imageProject: cfg.get<string>('pipeline.imageProject', '').trim(),
    },
    sonar: {
      // Machine-scoped like the AWS endpoint: the Sonar token is sent to this host.
      host: cfg.get<string>('sonar.hostUrl', '').trim(),
      organization: cfg.get<string>('sonar.organization', '').trim(),
      projectKey: cfg.get<string>('sonar.projectKey', '').trim(),
    },
  };
}

export async function updateUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

export function openSetting(key: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${key}`);
}
