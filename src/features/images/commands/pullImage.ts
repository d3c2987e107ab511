import * as vscode from 'vscode';
import { pullImage as pull } from '../../../core/docker/pull';
import { imageUri } from '../../../core/ecr/present';
import { toAbortSignal } from '../../../platform/commands';
import { imageTarget } from '../pickers';
import type { ImagesDeps } from './deps';

/** Pulls the image into the local Docker engine with an ECR token, showing layer progress. */
export const pullImage = ({ tree, session }: ImagesDeps) => async (node?: unknown) => {
  const image = await imageTarget(tree, node);
  const ecr = await session.ecr();
  const uri = imageUri(image.registryId, ecr.region, image.repository.name, { tag: image.tag, digest: image.digest });
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Pulling ${uri}`, cancellable: true },
    async (progress, token) => {
      const auth = await ecr.authorization();
      await pull(uri, auth, (p) => progress.report({ message: [p.id, p.status, p.progress].filter(Boolean).join(' ') }), toAbortSignal(token));
    },
  );
  void vscode.window.showInformationMessage(`Pulled ${uri} into the local Docker engine.`);
};
