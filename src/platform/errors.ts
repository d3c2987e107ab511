import * as vscode from 'vscode';
import { AwsProblem } from '../core/aws/errors';
import type { Logger } from '../core/log';
import { openSetting } from './settings';

export interface UserAction {
  title: string;
  run(): unknown;
}

/** A failure that already says what to do next, with its own buttons (a feature's "Show Output", ...). */
export class UserFacingError extends Error {
  constructor(message: string, readonly actions: UserAction[] = []) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/** Command ids the error buttons run; they belong to the explorer's connection commands. */
export const CONNECTION_COMMANDS = {
  selectProfile: 'airflowEcs.selectProfile',
  ssoLogin: 'airflowEcs.ssoLogin',
  showLog: 'airflowEcs.showLog',
} as const;

function runCommand(title: string, id: string): UserAction {
  return { title, run: () => vscode.commands.executeCommand(id) };
}

/** The sentence and the next steps for a failure. */
export function describeFailure(error: unknown): { message: string; actions: UserAction[] } {
  const showLog = runCommand('Show Log', CONNECTION_COMMANDS.showLog);
  if (error instanceof UserFacingError) return { message: error.message, actions: [...error.actions, showLog] };
  if (!(error instanceof AwsProblem)) {
    return { message: error instanceof Error ? error.message : String(error), actions: [showLog] };
  }
  switch (error.kind) {
    case 'noCredentials':
      return { message: `${error.message} Select a profile, or configure one with the AWS CLI.`, actions: [runCommand('Select AWS Profile', CONNECTION_COMMANDS.selectProfile), showLog] };
    case 'ssoExpired':
      return { message: `${error.message} Sign in again to continue.`, actions: [runCommand('Sign In with AWS SSO', CONNECTION_COMMANDS.ssoLogin)] };
    case 'unknownProfile':
      return { message: error.message, actions: [runCommand('Select AWS Profile', CONNECTION_COMMANDS.selectProfile), { title: 'Open Settings', run: () => openSetting('aws.profile') }] };
    case 'invalidEndpoint':
      return { message: error.message, actions: [{ title: 'Open Settings', run: () => openSetting('aws.endpointUrl') }] };
    case 'accessDenied':
      return { message: `${error.message} Ask your AWS administrator to allow ${error.action ?? 'it'} for your role.`, actions: [showLog] };
    case 'network':
      return { message: `${error.message} Check your connection or the endpoint URL setting.`, actions: [{ title: 'Open Settings', run: () => openSetting('aws.endpointUrl') }, showLog] };
    default:
      return { message: error.message, actions: [showLog] };
  }
}

export function isCancellation(error: unknown): boolean {
  return (error instanceof AwsProblem && error.kind === 'aborted') || error instanceof vscode.CancellationError;
}

/** Shows a failure as a message with buttons; the details go to the log; cancellation stays silent. */
export async function reportError(error: unknown, logger: Logger, context: string, retry?: () => unknown): Promise<void> {
  if (isCancellation(error)) return;
  const { message, actions } = describeFailure(error);
  logger.error(`${context}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  const all = retry ? [{ title: 'Retry', run: retry }, ...actions] : actions;
  const picked = await vscode.window.showErrorMessage(message, ...all.map((a) => a.title));
  await all.find((a) => a.title === picked)?.run();
}
