/** Every Images command id, in one place. */
export const COMMANDS = {
  refresh: 'airflowEcs.images.refresh',
  loadMore: 'airflowEcs.images.loadMore',
  retry: 'airflowEcs.images.retry',
  openCommit: 'airflowEcs.images.openCommit',
  compareWithHead: 'airflowEcs.images.compareWithHead',
  fetchCommits: 'airflowEcs.images.fetchCommits',
  startScan: 'airflowEcs.images.startScan',
  copyImageUri: 'airflowEcs.images.copyImageUri',
  pullImage: 'airflowEcs.images.pullImage',
  revealDeployed: 'airflowEcs.images.revealDeployed',
} as const;

export const VIEW_ID = 'airflowEcs.images';
/** Context key the welcome content reads: ok | noRepositories | noneOfRepositories | a connection problem (platform/aws.ts). */
export const STATE_KEY = 'airflowEcs.images.state';
