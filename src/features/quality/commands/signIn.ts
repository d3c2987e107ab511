import * as vscode from 'vscode';
import { SonarProblem } from '../../../core/sonar/client';
import { toAbortSignal } from '../../../platform/commands';
import type { QualityDeps } from './deps';

/** Asks for a token, checks it with api/authentication/validate, keeps it in SecretStorage only. */
export const signIn = ({ service, refresh }: QualityDeps) => async () => {
  const project = await service.requireProject();
  await service.allowTokenTo(project);
  const token = (await vscode.window.showInputBox({
    title: `Sign in to ${project.host}`,
    prompt: 'Paste a user token (My Account > Security). It is stored in VS Code\'s secret storage and sent only to this host.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Enter a token.'),
  }))?.trim();
  if (!token) return;
  const valid = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking the token with ${project.host}…`, cancellable: true },
    (_p, cancel) => service.client(project, token).validate(toAbortSignal(cancel)),
  );
  if (!valid) throw new SonarProblem('unauthorized', `${project.host} did not accept this token.`);
  await service.storeToken(project, token);
  void vscode.window.showInformationMessage(`Signed in to ${project.host}.`);
  await refresh();
};
