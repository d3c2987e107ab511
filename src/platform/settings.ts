import * as vscode from 'vscode';
import type { ConnectionSettings } from '../core/aws/connection';
import type { ComposeCommandSetting } from '../core/docker/composeCli';
import { DEFAULT_LABEL_NAMES, type LabelNames } from '../core/ecr/labels';
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
  images: {
    /** ECR repositories to show; empty shows all. */
    repositories: string[];
    labelNames: LabelNames;
  };
  localStack: {
    /** Absolute or workspace-relative compose file; empty = find one in the workspace. */
    composeFile: string;
    composeCommand: ComposeCommandSetting;
  };
  logs: {
    /** A tail starts this many minutes back. */
    startMinutes: number;
    /** Try CloudWatch Live Tail before polling. */
    liveTail: boolean;
  };
}

function names(value: unknown, fallback: string[]): string[] {
  const list = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
  return list.length ? list : fallback;
}

const COMPOSE_COMMANDS: readonly ComposeCommandSetting[] = ['auto', 'docker compose', 'docker-compose', 'podman compose', 'podman-compose'];

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
    images: {
      repositories: names(cfg.get('images.repositories'), []),
      labelNames: {
        buildNumber: names(cfg.get('images.buildNumberLabels'), DEFAULT_LABEL_NAMES.buildNumber),
        commit: names(cfg.get('images.commitLabels'), DEFAULT_LABEL_NAMES.commit),
        source: DEFAULT_LABEL_NAMES.source,
      },
    },
    localStack: {
      composeFile: cfg.get<string>('localStack.composeFile', '').trim(),
      composeCommand: COMPOSE_COMMANDS.find((c) => c === cfg.get<string>('localStack.composeCommand')) ?? 'auto',
    },
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
