import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { AwsProblem } from './errors';

/** Where and as whom the extension talks to AWS. */
export interface AwsConnection {
  profile: string;
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
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)]);
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

/** Resolves settings into a connection; the region falls back to the profile's, then the environment's. */
export async function resolveConnection(settings: ConnectionSettings, env: NodeJS.ProcessEnv = process.env): Promise<AwsConnection> {
  const endpointProblem = validateEndpoint(settings.endpoint);
  if (endpointProblem) throw new AwsProblem('invalidEndpoint', endpointProblem);
  const profiles = await listProfiles();
  const profile = settings.profile || env.AWS_PROFILE || 'default';
  const found = profiles.find((p) => p.name === profile);
  // A profile named in settings must exist; the implicit default may be absent when the
  // environment or an instance role supplies credentials (the SDK's chain decides then).
  if (!found && settings.profile) {
    throw new AwsProblem('unknownProfile', `The AWS profile "${profile}" is not in your AWS config or credentials files.`);
  }
  const region = settings.region || found?.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new AwsProblem('other', 'No AWS region is selected.');
  return { profile, region, endpoint: settings.endpoint || undefined };
}

export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-northeast-1', 'ap-northeast-2',
  'ap-northeast-3', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1', 'me-central-1',
  'sa-east-1', 'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
];
