/** Every Local Stack command id, in one place. */
export const COMMANDS = {
  up: 'airflowEcs.localStack.up',
  down: 'airflowEcs.localStack.down',
  restart: 'airflowEcs.localStack.restart',
  stop: 'airflowEcs.localStack.stop',
  start: 'airflowEcs.localStack.start',
  pull: 'airflowEcs.localStack.pull',
  build: 'airflowEcs.localStack.build',
  scale: 'airflowEcs.localStack.scaleWorkers',
  logs: 'airflowEcs.localStack.logs',
  openInBrowser: 'airflowEcs.localStack.openInBrowser',
  shell: 'airflowEcs.localStack.shell',
  runAirflowCli: 'airflowEcs.localStack.runAirflowCli',
  refresh: 'airflowEcs.localStack.refresh',
  retry: 'airflowEcs.localStack.retry',
  selectComposeFile: 'airflowEcs.localStack.selectComposeFile',
  showOutput: 'airflowEcs.localStack.showOutput',
} as const;

export const VIEW_ID = 'airflowEcs.localStack';
/** Context key the welcome content reads: ok | noComposeFile | chooseComposeFile | dockerUnavailable. */
export const STATE_KEY = 'airflowEcs.localStack.state';
/** True while the compose project has a running container (the walkthrough's last step reads it). */
export const PROJECT_UP_KEY = 'airflowEcs.localStack.projectUp';
