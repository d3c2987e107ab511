/** The connection a workspace declares in sonar-project.properties, after settings overrides. */
export interface SonarProject {
  host: string;
  organization: string;
  projectKey: string;
  /** `sonar.sources` entries, relative to the properties file's folder. */
  sources: string[];
  /** Absolute folder of the properties file: component paths are relative to it. */
  baseDir: string;
  /** The host is named by the workspace's file (not the settings, not SonarCloud): a token goes there only once the user agreed. */
  hostFromWorkspace: boolean;
}

export const SONARCLOUD_HOST = 'https://sonarcloud.io';

/**
 * Parses the Java properties subset the scanner files use: `key=value` or `key: value`,
 * `#`/`!` comments, trailing-backslash continuation lines.
 */
export function parseProperties(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trimStart();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i].trimStart();
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match) values.set(match[1], match[2].trim());
  }
  return values;
}

export interface SonarOverrides {
  host: string;
  organization: string;
  projectKey: string;
}

/** Combines the properties file with the settings; a setting that is set wins. */
export function sonarProject(properties: Map<string, string>, baseDir: string, overrides: SonarOverrides): SonarProject | undefined {
  const projectKey = overrides.projectKey || properties.get('sonar.projectKey') || '';
  if (!projectKey) return undefined;
  const host = (overrides.host || properties.get('sonar.host.url') || SONARCLOUD_HOST).replace(/\/+$/, '');
  return {
    host,
    organization: overrides.organization || properties.get('sonar.organization') || '',
    projectKey,
    sources: (properties.get('sonar.sources') ?? '').split(',').map((s) => s.trim().replace(/^\.\/?/, '').replace(/\/+$/, '')).filter(Boolean),
    baseDir,
    hostFromWorkspace: !overrides.host && host !== SONARCLOUD_HOST,
  };
}

/**
 * Whether a token may be sent to the project's host: always to SonarCloud or a host from the
 * (machine-scoped) settings; never to a host a workspace file names in an untrusted workspace;
 * otherwise only after the user agreed once for that host.
 */
export function tokenHostCheck(project: Pick<SonarProject, 'hostFromWorkspace'>, state: { trusted: boolean; confirmed: boolean }): 'send' | 'ask' | 'refuse' {
  if (!project.hostFromWorkspace || (state.confirmed && state.trusted)) return 'send';
  return state.trusted ? 'ask' : 'refuse';
}
