import * as vscode from 'vscode';
import type { ConnectionSettings } from '../core/aws/connection';
import { resolveMachineSetting, type MachineInspect } from '../core/machineSettings';
import type { ComposeCommandSetting } from '../core/docker/composeCli';
import { DEFAULT_LABEL_NAMES, type LabelNames } from '../core/ecr/labels';
import { SEVERITIES, type Severity } from '../core/sonar/mapping';
import type { SonarOverrides } from '../core/sonar/properties';

export const SECTION = 'airflowEcs';

export interface ExtensionSettings {
  connection: ConnectionSettings;
  /** Seconds between refreshes of a visible explorer; 0 turns it off. */
  refreshIntervalSeconds: number;
  /** CodeBuild project names of the reference architecture's two pipelines. */
  pipeline: { dagProject: string; imageProject: string };
  /** Overrides of sonar-project.properties; empty = take the file's value. */
  sonar: SonarOverrides & {
    /** Findings less severe than this are not published. */
    minimumSeverity: Severity;
  };
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
  /** The command Open Shell in Container runs (ECS Exec). */
  execCommand: string;
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
      endpoint: machineSetting(cfg, 'aws.endpointUrl').value,
    },
    refreshIntervalSeconds: Number.isFinite(interval) && interval >= 0 ? interval : 30,
    execCommand: cfg.get<string>('exec.command', '/bin/sh').trim() || '/bin/sh',
    pipeline: {
      dagProject: cfg.get<string>('pipeline.dagProject', '').trim(),
      imageProject: cfg.get<string>('pipeline.imageProject', '').trim(),
    },
    sonar: {
      // Machine-scoped like the AWS endpoint: the Sonar token is sent to this host.
      host: machineSetting(cfg, 'sonar.hostUrl').value,
      organization: cfg.get<string>('sonar.organization', '').trim(),
      projectKey: cfg.get<string>('sonar.projectKey', '').trim(),
      minimumSeverity: SEVERITIES.find((v) => v === cfg.get<string>('sonar.minimumSeverity')) ?? 'hint',
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

/** Settings declared with "scope": "machine": endpoints that signed requests and the Sonar token go to. */
const MACHINE_KEYS = ['aws.endpointUrl', 'sonar.hostUrl'] as const;
type MachineKey = (typeof MACHINE_KEYS)[number];

function machineSetting(cfg: vscode.WorkspaceConfiguration, key: MachineKey) {
  return resolveMachineSetting(cfg.inspect(key) as MachineInspect | undefined, vscode.env.remoteName !== undefined);
}

/** Writes one application-scoped key (profile, region) to User settings; nothing else is touched. */
export async function updateUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

/** Opens a setting where VS Code reads it: a machine setting of a remote window in the Remote settings. */
export function openSetting(key: string): Thenable<unknown> {
  const query = `${SECTION}.${key}`;
  if (vscode.env.remoteName !== undefined && (MACHINE_KEYS as readonly string[]).includes(key)) {
    return vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query });
  }
  return vscode.commands.executeCommand('workbench.action.openSettings', query);
}

const IGNORED_SAID_KEY = 'airflowEcs.ignoredMachineSettingsSaid';

/**
 * Says once (per key and value, across restarts) when a machine setting sits in the User
 * settings of a remote window, which ignores it, with the button that opens the Remote
 * settings. VS Code only shows such values until it next reads the settings, so this looks
 * at start-up and on every change.
 */
export function warnIgnoredMachineSettings(state: vscode.Memento): vscode.Disposable {
  const check = () => {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const said = state.get<Record<string, string>>(IGNORED_SAID_KEY, {});
    for (const key of MACHINE_KEYS) {
      const { ignoredUserValue } = machineSetting(cfg, key);
      if (!ignoredUserValue || said[key] === ignoredUserValue) continue;
      said[key] = ignoredUserValue;
      void state.update(IGNORED_SAID_KEY, said);
      void vscode.window.showWarningMessage(
        `${SECTION}.${key} is set in your User settings ("${ignoredUserValue}"), but this remote window reads machine settings only from the Remote settings, so it is not used. Set it in the Remote settings.`,
        'Open Remote Settings',
      ).then((picked) => picked && openSetting(key));
    }
  };
  const timer = setTimeout(check, 0);
  const listener = vscode.workspace.onDidChangeConfiguration((e) => {
    if (MACHINE_KEYS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) check();
  });
  return { dispose: () => { clearTimeout(timer); listener.dispose(); } };
}
