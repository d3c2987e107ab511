import type Dockerode from 'dockerode';
import type { RegistryAuth } from '../aws/ecr';

export class DockerUnavailable extends Error {
  constructor(detail: string) {
    super(`Docker is not running or not reachable (${detail}). Start Docker (Docker Desktop, or dockerd) and try again.`);
    this.name = 'DockerUnavailable';
  }
}

let docker: Dockerode | undefined;

/** dockerode is created on first use, from DOCKER_HOST or the default socket. */
async function engine(): Promise<Dockerode> {
  if (!docker) {
    const { default: Docker } = await import('dockerode');
    docker = new Docker();
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
  const d = await engine();
  try {
    await d.ping();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (signal?.aborted) throw err;
    throw new DockerUnavailable(e.code ?? e.message);
  }
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
