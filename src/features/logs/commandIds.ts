/** Every log-tail command id, in one place. */
export const COMMANDS = {
  stop: 'airflowEcs.logs.stop',
  stopAll: 'airflowEcs.logs.stopAll',
  filter: 'airflowEcs.logs.filter',
  clear: 'airflowEcs.logs.clear',
} as const;

