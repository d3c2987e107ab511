import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

export interface ExecResult {
  exitCode: number;
  output: string;
}

/** Runs `cmd` (an argument array, no shell) in a running container through the exec API. */
export async function execInContainer(
  docker: Pick<Docker, 'getContainer' | 'modem'>,
  containerId: string,
  cmd: string[],
  opts: { signal?: AbortSignal; onOutput?: (text: string) => void } = {},
): Promise<ExecResult> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  let output = '';
  out.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    opts.onOutput?.(text);
  });
  docker.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      (stream as { destroy?: () => void }).destroy?.();
      reject(Object.assign(new Error('Cancelled'), { name: 'AbortError' }));
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, output };
}
