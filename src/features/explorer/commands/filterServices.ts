import * as vscode from 'vscode';
import { UserFacingError } from '../../../platform/errors';
import { ClusterNode } from '../nodes';
import { pickCluster } from '../pickers';
import type { ExplorerDeps } from './deps';

/**
 * Narrows a cluster's service rows to names containing the text (empty clears). It filters what
 * is loaded and what loads next: no new ListServices. From the palette it asks for the cluster.
 */
export const filterServices = ({ tree }: ExplorerDeps) => async (node?: unknown) => {
  const cluster = node instanceof ClusterNode ? node : tree.cluster((await pickCluster(tree.ctx)).arn);
  if (!cluster) {
    throw new UserFacingError('Open the Clusters view first: the filter narrows the service rows it shows.', [
      { title: 'Show Clusters', run: () => vscode.commands.executeCommand('airflowEcs.clusters.focus') },
    ]);
  }
  const text = await vscode.window.showInputBox({
    title: `Filter services of ${cluster.name}`,
    prompt: 'Part of a service name (not case-sensitive). Leave empty to show every service.',
    placeHolder: 'scheduler',
    value: cluster.filter,
  });
  if (text === undefined) return;
  cluster.setFilter(text);
  tree.redraw(cluster);
};
