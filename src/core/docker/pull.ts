import type Dockerode from 'dockerode';
import type { RegistryAuth } from '../aws/ecr';
import { dockerOptions, pingDocker, resolveEngine, type EngineEndpoint } from './engine';

let docker: { client: Dockerode; endpoint: EngineEndpoint } | undefined;

/** dockerode is created on first use, on the same engine as the Local Stack (DOCKER_HOST or the docker context). */
async function engine(): Promise<{ client: Dockerode; endpoint: EngineEndpoint }> {
  if (!docker) {
    const { default: Docker } = await import('dockerode');
    const endpoint = resolveEngine();
    docker = { client: new Docker(dockerOptions(endpoint)), endpoint };
  }
  return docker;
}

export interface PullProgress {
  status?: string;
  id?: string;
  progress?: string;
}

const UNREACHABLE: [RegExp, string][] = [
  [/no such host|server misbehaving|Temporary failure in name resolution/i, 'its name does not resolve'],
  [/connection refused/i, 'the connection was refused'],
  [/i\/o timeout|Client\.Timeout|TLS handshake timeout|context deadline exceeded/i, 'the connection timed out'],
  [/network is unreachable|no route to host/i, 'the network is unreachable'],
  [/x509|certificate/i, 'its TLS certificate is not trusted by the engine'],
];

/** The sentence for a failed pull: the engine's raw text (`(HTTP code 500) … dial tcp: lookup …`) names no next step. */
export function describePullFailure(uri: string, raw: string): string {
  const registry = uri.split('/')[0];
  const why = UNREACHABLE.find(([re]) => re.test(raw))?.[1];
  if (why) return `The Docker engine cannot reach the registry ${registry}: ${why}. Check the engine's network, DNS, proxy or VPN, then pull again.`;
  if (/unauthorized|no basic auth credentials|authentication required|denied/i.test(raw)) {
    return `The registry ${registry} refused the pull of ${uri}: check that your AWS role may pull from this repository (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer).`;
  }
  if (/manifest unknown|not found/i.test(raw)) return `${uri} is not in the registry any more: refresh the Images view.`;
  return `docker pull ${uri} failed: ${raw.replace(/^\(HTTP code \d+\)\s*[a-z ]*-\s*/i, '')}`;
}

/** Pulls an image into the local engine with ECR credentials, reporting each progress event. */
export async function pullImage(uri: string, auth: RegistryAuth, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
  const { client: d, endpoint } = await engine();
  await pingDocker(d, endpoint);
  const failed = (err: unknown) => {
    if (signal?.aborted) return err;
    return new Error(describePullFailure(uri, err instanceof Error ? err.message : String(err)), { cause: err });
  };
  const stream = await d.pull(uri, { authconfig: auth, abortSignal: signal }).catch((err: unknown) => {
    throw failed(err);
  });
  await new Promise<void>((resolve, reject) => {
    d.modem.followProgress(
      stream,
      (err: Error | null, events: { error?: string }[]) => {
        const error = err ?? events.find((e) => e.error)?.error;
        if (error) reject(failed(error));
        else resolve();
      },
      onProgress,
    );
  });
}
