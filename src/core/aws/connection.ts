import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { AwsProblem } from './errors';

/** Where and as whom the extension talks to AWS. */
export interface AwsConnection {
  /** The profile the SDK is narrowed to; undefined: the SDK's default provider chain, unmodified. */
  profile?: string;
  /** Where credentials come from, for view descriptions: a profile name, `env`, `web identity`, ... */
  source: string;
  region: string;
  /** Override for LocalStack-style emulators; only ever read from machine-scoped settings. */
  endpoint?: string;
}

export interface ConnectionSettings {
  profile: string;
  region: string;
  endpoint: string;
}

export interface ProfileInfo {
  name: string;
  region?: string;
  /** How the profile gets credentials, for the picker's description. */
  kind: 'sso' | 'process' | 'role' | 'keys' | 'other';
}

/** Profiles from the shared config and credentials files, as the SDK reads them. */
export async function listProfiles(): Promise<ProfileInfo[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  // The loader keys `[sso-session x]` and `[services x]` sections as `sso-session.x`: they are not profiles.
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)].filter((n) => !/^(sso-session|services)\./.test(n)));
  return [...names].sort().map((name) => {
    const merged = { ...credentialsFile[name], ...configFile[name] };
    const kind = merged.sso_session || merged.sso_start_url
      ? 'sso'
      : merged.credential_process
        ? 'process'
        : merged.role_arn
          ? 'role'
          : merged.aws_access_key_id
            ? 'keys'
            : 'other';
    return { name, region: merged.region, kind };
  });
}

export function validateEndpoint(endpoint: string): string | undefined {
  if (!endpoint) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `The endpoint URL "${endpoint}" is not a valid URL.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `The endpoint URL "${endpoint}" must start with http:// or https://.`;
  }
  return undefined;
}

/** What the connection will be, as far as settings, environment and profile files tell without asking AWS. */
export interface ConnectionSummary {
  profile?: string;
  source: string;
  region?: string;
}

/**
 * Which provider of the SDK's default chain will answer, in its order: `AWS_PROFILE` (which
 * the chain prefers over keys in the environment), access keys in the environment, the
 * `default` profile, a web identity token, the container's role, else the instance's.
 */
function chainSource(env: NodeJS.ProcessEnv, profiles: readonly ProfileInfo[]): { source: string; profile?: ProfileInfo } {
  if (env.AWS_PROFILE) return { source: env.AWS_PROFILE, profile: profiles.find((p) => p.name === env.AWS_PROFILE) };
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return { source: 'env', profile: profiles.find((p) => p.name === 'default') };
  const fallback = profiles.find((p) => p.name === 'default');
  if (fallback) return { source: 'default', profile: fallback };
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return { source: 'web identity' };
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return { source: 'container role' };
  return { source: 'default chain' };
}

/**
 * The profile (only when one is chosen: else the SDK's chain decides, untouched), where
 * credentials come from, and the region: the setting, else the chosen profile's, else
 * `AWS_REGION` / `AWS_DEFAULT_REGION`, else the region of the profile the chain reads.
 */
export function summarizeConnection(settings: ConnectionSettings, env: NodeJS.ProcessEnv, profiles: readonly ProfileInfo[]): ConnectionSummary {
  if (settings.profile) {
    const found = profiles.find((p) => p.name === settings.profile);
    return { profile: settings.profile, source: settings.profile, region: settings.region || found?.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined };
  }
  const chain = chainSource(env, profiles);
  return { source: chain.source, region: settings.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || chain.profile?.region || undefined };
}

/** `source @ region` for view descriptions. */
export function connectionLabel(summary: ConnectionSummary): string {
  return summary.region ? `${summary.source} @ ${summary.region}` : `${summary.source} · no region`;
}

/** Resolves settings into a connection; a chosen profile must exist, a region must be known. */
export async function resolveConnection(settings: ConnectionSettings, env: NodeJS.ProcessEnv = process.env): Promise<AwsConnection> {
  const endpointProblem = validateEndpoint(settings.endpoint);
  if (endpointProblem) throw new AwsProblem('invalidEndpoint', endpointProblem);
  const profiles = await listProfiles();
  if (settings.profile && !profiles.some((p) => p.name === settings.profile)) {
    throw new AwsProblem('unknownProfile', `The AWS profile "${settings.profile}" is not in your AWS config or credentials files.`);
  }
  const { profile, source, region } = summarizeConnection(settings, env, profiles);
  if (!region) throw new AwsProblem('noRegion', 'No AWS region is selected.');
  return { profile, source, region, endpoint: settings.endpoint || undefined };
}

export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-northeast-1', 'ap-northeast-2',
  'ap-northeast-3', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1', 'me-central-1',
  'sa-east-1', 'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
];
