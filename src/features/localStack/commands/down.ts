import * as vscode from 'vscode';
import { requireTrust } from '../stack';
import type { LocalStackDeps } from './deps';

export const down = ({ stack }: LocalStackDeps) => async () => {
  requireTrust('Down');
  const project = await stack.valid();
  const answer = await vscode.window.showWarningMessage(
    `Bring the local stack ${project.name} down?`,
    { modal: true, detail: 'Its containers and network are removed. Removing the volumes too deletes the local database and logs.' },
    'Down',
    'Down and Remove Volumes',
  );
  if (!answer) return;
  await stack.compose(`Down ${project.name}`, answer === 'Down' ? ['down'] : ['down', '--volumes']);
};
