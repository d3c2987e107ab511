import * as vscode from 'vscode';
import { execInContainer } from '../../../core/docker/exec';
import { resolveExecutable } from '../../../platform/processes';
import { requireTrust } from '../stack';
import { targetContainer } from '../pickers';
import type { LocalStackDeps } from './deps';

/** A terminal running `docker exec -it <id> bash` (or sh when the image has no bash). */
export const shell = ({ stack }: LocalStackDeps) => async (node?: unknown) => {
  requireTrust('Shell');
  const container = await targetContainer(stack, node, 'Open a shell in');
  const hasBash = await execInContainer(stack.docker(), container.id, ['bash', '-c', 'exit 0']).then((r) => r.exitCode === 0, () => false);
  const terminal = vscode.window.createTerminal({
    name: `${container.name} shell`,
    shellPath: resolveExecutable('docker'),
    shellArgs: ['exec', '-it', container.id, hasBash ? 'bash' : 'sh'],
    env: { DOCKER_HOST: stack.childEnv().DOCKER_HOST ?? null },
  });
  terminal.show();
  return terminal;
};
