import * as vscode from 'vscode';
import { imageTarget } from '../pickers';
import type { ImagesDeps } from './deps';

export const startScan = ({ tree, session }: ImagesDeps) => async (node?: unknown) => {
  const image = await imageTarget(tree, node);
  const name = image.tag ?? image.digest.slice(7, 19);
  const status = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Starting a scan of ${image.repository.name}:${name}…` },
    async () => (await session.ecr()).startScan(image.repository.name, image.digest),
  );
  vscode.window.setStatusBarMessage(`Scan of ${name}: ${(status ?? 'started').toLowerCase().replace(/_/g, ' ')}`, 5000);
  tree.refresh(image.repository);
};
