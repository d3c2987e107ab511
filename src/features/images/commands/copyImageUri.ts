import * as vscode from 'vscode';
import { imageUri } from '../../../core/ecr/present';
import { imageTarget } from '../pickers';
import type { ImagesDeps } from './deps';

export const copyImageUri = ({ tree, session }: ImagesDeps) => async (node?: unknown) => {
  const image = await imageTarget(tree, node);
  const uri = imageUri(image.registryId, (await session.ecr()).region, image.repository.name, { tag: image.tag, digest: image.digest });
  await vscode.env.clipboard.writeText(uri);
  vscode.window.setStatusBarMessage(`Copied ${uri}`, 3000);
};
