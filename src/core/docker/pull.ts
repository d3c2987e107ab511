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

/** Pulls an image into the local engine with ECR credentials, reporting each progress event. */
export async function pullImage(uri: string, auth: RegistryAuth, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
  const { client: d, endpoint } = await engine();
  await pingDocker(d, endpoint);
  const stream = await d.pull(uri, { authconfig: auth, abortSignal: signal });
  await new Promise<void>((resolve, reject) => {
    d.modem.followProgress(
      stream,
      (err: Error | null, events: { error?: string }[]) => {
        const failed = err ?? events.find((e) => e.error);
        if (failed) reject(err ?? new Error(`docker pull failed: ${(failed as { error?: string }).error}`));
        else resolve();
      },
      onProgress,
    );
  });
}
