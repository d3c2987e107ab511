import * as vscode from 'vscode';
import { buildInfo } from '../../../core/ecr/labels';
import { imageReferences, imageUri } from '../../../core/ecr/present';
import { imageTarget } from '../pickers';
import type { ImagesDeps } from './deps';

/** Copies a reference to the image: the immutable ones (build tag, digest) are offered first. */
export const copyImageUri = ({ tree, session }: ImagesDeps) => async (node?: unknown) => {
  const image = await imageTarget(tree, node);
  const region = (await session.ecr()).region;
  const labels = tree.loader.cached(image.digest);
  const buildNumber = labels?.state === 'labels' ? buildInfo(labels.labels, tree.ctx.names()).buildNumber : undefined;
  const choices = imageReferences(image.image.imageTags ?? [], image.digest, buildNumber, image.repository.resource.imageTagMutability === 'IMMUTABLE')
    .map((r) => ({ label: imageUri(image.registryId, region, image.repository.name, r), description: r.note }));
  const picked = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: 'Copy Image URI', placeHolder: 'Which reference? Immutable ones first: they always name this image.' });
  if (!picked) return;
  await vscode.env.clipboard.writeText(picked.label);
  vscode.window.setStatusBarMessage(`Copied ${picked.label}`, 3000);
};
