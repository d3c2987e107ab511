import * as vscode from 'vscode';
import type { DeployedImage } from '../../../core/ecr/deployments';
import { ecrRepositoryOf } from '../../../core/ecr/present';
import type { ImagesDeps } from './deps';

/** Shows the deployed image the status bar names in the Images view. */
export const revealDeployed = ({ tree, view, statusBar }: ImagesDeps) => async (target?: DeployedImage) => {
  const deployed = target ?? statusBar.status?.target;
  const repository = ecrRepositoryOf(deployed?.image);
  if (!deployed || !repository) {
    void vscode.window.showInformationMessage('No deployed ECR image is known yet: refresh the Images view.');
    return;
  }
  const node = await tree.findImage(repository, deployed.digest);
  if (!node) {
    void vscode.window.showWarningMessage(`The deployed image ${deployed.image ?? deployed.digest} is not in the ECR repository ${repository} any more.`);
    return;
  }
  await view.reveal(node, { select: true, focus: true, expand: false });
};
