import * as vscode from 'vscode';
import type { QualityDeps } from './deps';

/** Forgets the stored token of the project's host. */
export const signOut = ({ service }: QualityDeps) => async () => {
  const project = await service.requireProject();
  await service.storeToken(project, undefined);
  void vscode.window.showInformationMessage(`Signed out of ${project.host}; the token was removed from secret storage.`);
};
