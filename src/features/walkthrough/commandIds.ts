/** The walkthrough's command id. */
export const COMMANDS = {
  getStarted: 'airflowEcs.getStarted',
} as const;
