import * as vscode from 'vscode';
import { sonarUrls } from '../../../core/sonar/mapping';
import { ruleMarkdown } from '../../../core/sonar/ruleMarkdown';
import { toAbortSignal } from '../../../platform/commands';
import type { QualityDeps } from './deps';

/** Fetches api/rules/show and shows the description as a read-only Markdown document. */
export const showRule = ({ service, documents }: QualityDeps) => async (ruleKey?: unknown) => {
  const rule = typeof ruleKey === 'string' ? ruleKey : (await vscode.window.showInputBox({ title: 'Show Rule Description', prompt: 'Rule key, e.g. python:S5445' }))?.trim();
  if (!rule) return;
  const project = await service.requireProject();
  const token = await service.requireToken(project);
  const found = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Loading rule ${rule}…`, cancellable: true },
    (_p, cancel) => service.client(project, token).rule(rule, project.organization, toAbortSignal(cancel)),
  );
  await documents.show(rule, ruleMarkdown(found, sonarUrls(project, {}).rule(rule)));
};
