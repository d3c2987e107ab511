import { CONNECTION_COMMANDS } from '../../platform/errors';

/** Every explorer command id, in one place. */
export const COMMANDS = {
  ...CONNECTION_COMMANDS,
  refresh: 'airflowEcs.explorer.refresh',
  loadMore: 'airflowEcs.explorer.loadMore',
  retry: 'airflowEcs.explorer.retry',
  filterServices: 'airflowEcs.explorer.filterServices',
  copyArn: 'airflowEcs.copyArn',
  openInConsole: 'airflowEcs.openInConsole',
  openAirflowUi: 'airflowEcs.openAirflowUi',
  stopTask: 'airflowEcs.stopTask',
  forceNewDeployment: 'airflowEcs.forceNewDeployment',
  scaleService: 'airflowEcs.scaleService',
  showResourceJson: 'airflowEcs.showResourceJson',
  tailLogs: 'airflowEcs.logs.tail',
  openShell: 'airflowEcs.openShell',
  forwardPort: 'airflowEcs.forwardPort',
  stopPortForward: 'airflowEcs.stopPortForward',
  compareRevisions: 'airflowEcs.compareRevisions',
  rollBackService: 'airflowEcs.rollBackService',
  stopDeployment: 'airflowEcs.stopDeployment',
} as const;

export const VIEW_ID = 'airflowEcs.clusters';
/** Context key the welcome content reads: ok | noClusters | a connection problem (platform/aws.ts). */
export const STATE_KEY = 'airflowEcs.clusters.state';
