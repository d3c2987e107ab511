import * as vscode from 'vscode';
import { downByLabel } from '../../../core/docker/projectByLabel';
import { requireTrust } from '../stack';
import type { LocalStackDeps } from './deps';

/** Down works on a file that does not parse too: by project name, through the Docker API. */
export const down = ({ stack }: LocalStackDeps) => async () => {
  // Refused when untrusted by name too: the label path changes containers as compose down would.
  requireTrust('Down');
  const project = await stack.load(true);
  const answer = await vscode.window.showWarningMessage(
    `Bring the local stack ${project.name} down?`,
    { modal: true, detail: 'Its containers and network are removed. Removing the volumes too deletes the local database and logs.' },
    'Down',
    'Down and Remove Volumes',
  );
  if (!answer) return;
  const volumes = answer !== 'Down';
  if (project.model.ok) await stack.compose(`Down ${project.name}`, volumes ? ['down', '--volumes'] : ['down']);
  else await stack.withoutFile(`Down ${project.name}`, (docker, signal) => downByLabel(docker, project.name, { volumes, signal }));
};
