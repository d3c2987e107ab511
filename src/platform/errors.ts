import * as vscode from 'vscode';
import { AirflowProblem } from '../core/airflow/client';
import { AwsProblem } from '../core/aws/errors';
import { ComposeNotFound } from '../core/docker/composeCli';
import { DockerUnavailable } from '../core/docker/engine';
import type { Logger } from '../core/log';
import { ExecutableNotFound, UntrustedWorkspace } from '../core/process/runner';
import { SonarProblem } from '../core/sonar/client';
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
  selectRegion: 'airflowEcs.selectRegion',
  useDefaultCredentials: 'airflowEcs.useDefaultCredentials',
  openEndpointSettings: 'airflowEcs.openEndpointSettings',
  ssoLogin: 'airflowEcs.ssoLogin',
  showLog: 'airflowEcs.showLog',
} as const;

/** Command ids the Sonar error buttons run; they belong to the quality feature. */
export const SONAR_COMMANDS = {
  signIn: 'airflowEcs.sonar.signIn',
} as const;

/** Command ids the Airflow error buttons run; they belong to the airflow feature. */
export const AIRFLOW_COMMANDS = {
  connect: 'airflowEcs.airflow.connect',
  signIn: 'airflowEcs.airflow.signIn',
  refresh: 'airflowEcs.airflow.refresh',
} as const;

function runCommand(title: string, id: string): UserAction {
  return { title, run: () => vscode.commands.executeCommand(id) };
}

/** The sentence and the next steps for a failure. */
export function describeFailure(error: unknown): { message: string; actions: UserAction[] } {
  const showLog = runCommand('Show Log', CONNECTION_COMMANDS.showLog);
  if (error instanceof SonarProblem) return describeSonarFailure(error, showLog);
  if (error instanceof AirflowProblem) return describeAirflowFailure(error, showLog);
  if (error instanceof UserFacingError) return { message: error.message, actions: [...error.actions, showLog] };
  if (error instanceof UntrustedWorkspace) {
    return { message: error.message, actions: [{ title: 'Manage Workspace Trust', run: () => vscode.commands.executeCommand('workbench.trust.manage') }] };
  }
  if (error instanceof ExecutableNotFound) return { message: error.message, actions: [showLog] };
  if (!(error instanceof AwsProblem)) {
    return { message: error instanceof Error ? error.message : String(error), actions: [showLog] };
  }
  switch (error.kind) {
    case 'noRegion':
      return { message: `${error.message} Choose the region of your Airflow cluster.`, actions: [runCommand('Select Region', CONNECTION_COMMANDS.selectRegion)] };
    case 'noCredentials':
      return { message: `${error.message} Select a profile, use the default credential chain (environment variables, AWS_PROFILE, SSO, instance roles), or configure a profile with the AWS CLI.`, actions: [runCommand('Select AWS Profile', CONNECTION_COMMANDS.selectProfile), runCommand('Use Default Credential Chain', CONNECTION_COMMANDS.useDefaultCredentials), showLog] };
    case 'ssoExpired':
      return { message: `${error.message} Sign in again to continue.`, actions: [runCommand('Sign In with AWS SSO', CONNECTION_COMMANDS.ssoLogin)] };
    case 'unknownProfile':
      return { message: error.message, actions: [runCommand('Select AWS Profile', CONNECTION_COMMANDS.selectProfile), runCommand('Use Default Credential Chain', CONNECTION_COMMANDS.useDefaultCredentials)] };
    case 'invalidEndpoint':
      return { message: error.message, actions: [{ title: 'Open Settings', run: () => openSetting('aws.endpointUrl') }] };
    case 'accessDenied':
      return { message: `${error.message} Ask your AWS administrator to allow ${error.action ?? 'it'} for your role.`, actions: [showLog] };
    case 'network':
      return { message: `${error.message} Check your connection or the endpoint URL setting.`, actions: [{ title: 'Open Settings', run: () => openSetting('aws.endpointUrl') }, showLog] };
    case 'badResponse':
    case 'unsupported':
      return { message: error.message, actions: [{ title: 'Open Settings', run: () => openSetting('aws.endpointUrl') }, showLog] };
    default:
      return { message: error.message, actions: [showLog] };
  }
}

function describeSonarFailure(error: SonarProblem, showLog: UserAction): { message: string; actions: UserAction[] } {
  const openHost = { title: 'Open Settings', run: () => openSetting('sonar.hostUrl') };
  switch (error.kind) {
    case 'unauthorized':
      return { message: `${error.message} ${error.signedIn === false ? 'Sign in' : 'Sign in with a new token'}.`, actions: [runCommand('Sign In', SONAR_COMMANDS.signIn), showLog] };
    case 'forbidden':
      return { message: `${error.message} Ask an administrator for the Browse permission, or sign in with another token.`, actions: [runCommand('Sign In', SONAR_COMMANDS.signIn), showLog] };
    case 'notFound':
      // A rule that is gone says nothing about the project's settings.
      if (error.endpoint === 'api/rules/show') return { message: error.message, actions: [showLog] };
      return { message: `${error.message} Check sonar.projectKey and sonar.organization in sonar-project.properties, or the settings that override them.`, actions: [{ title: 'Open Settings', run: () => openSetting('sonar.projectKey') }, showLog] };
    case 'insecureHost':
    case 'network':
      return { message: error.message, actions: [openHost, showLog] };
    default:
      return { message: error.message, actions: [showLog] };
  }
}

function describeAirflowFailure(error: AirflowProblem, showLog: UserAction): { message: string; actions: UserAction[] } {
  const signIn = runCommand('Sign In', AIRFLOW_COMMANDS.signIn);
  const connect = runCommand('Connect', AIRFLOW_COMMANDS.connect);
  switch (error.kind) {
    case 'auth':
      return { message: `${error.message} Sign in again.`, actions: [signIn, showLog] };
    case 'forbidden':
      return { message: `${error.message} Sign in as a user with that permission.`, actions: [signIn, showLog] };
    case 'noTokenEndpoint':
      return { message: `${error.message} Sign in with an API token.`, actions: [signIn, showLog] };
    case 'html':
    case 'notAirflow':
    case 'insecure':
      return { message: `${error.message} Connect to the Airflow API's own URL.`, actions: [connect, showLog] };
    case 'timeout':
    case 'network':
      return { message: `${error.message} Check that Airflow is up and reachable from here, then retry.`, actions: [runCommand('Retry', AIRFLOW_COMMANDS.refresh), showLog] };
    default:
      return { message: error.message, actions: [showLog] };
  }
}

export function isCancellation(error: unknown): boolean {
  // Node's AbortSignal (child processes, dockerode, fetch) rejects with an AbortError.
  if ((error as { name?: string } | undefined)?.name === 'AbortError') return true;
  return (error instanceof AwsProblem && error.kind === 'aborted') || (error instanceof SonarProblem && error.kind === 'aborted')
    || (error instanceof AirflowProblem && error.kind === 'aborted') || error instanceof vscode.CancellationError;
}

/**
 * A failure the extension foresaw (a refusal, a user's mistake, a service's typed answer): its
 * sentence is the whole story. Anything else is a bug, whose stack trace is worth logging.
 */
export function isExpected(error: unknown): boolean {
  return [UserFacingError, UntrustedWorkspace, ExecutableNotFound, AwsProblem, SonarProblem, AirflowProblem, DockerUnavailable, ComposeNotFound].some((kind) => error instanceof kind);
}

/** Shows a failure as a message with buttons; the log gets one line, or the stack trace of a bug; cancellation stays silent. */
export async function reportError(error: unknown, logger: Logger, context: string, retry?: () => unknown): Promise<void> {
  if (isCancellation(error)) return;
  const { message, actions } = describeFailure(error);
  if (isExpected(error)) logger.warn(`${context}: ${message}`);
  else logger.error(`${context}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  const all = retry ? [{ title: 'Retry', run: retry }, ...actions.filter((a) => a.title !== 'Retry')] : actions;
  const picked = await vscode.window.showErrorMessage(message, ...all.map((a) => a.title));
  await all.find((a) => a.title === picked)?.run();
}
