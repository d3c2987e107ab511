import * as vscode from 'vscode';
import type { Finding } from '../../../core/sonar/mapping';
import type { QualityDeps } from './deps';

/** Opens the issue (or hotspot) on the server's project page; the code action passes the finding. */
export const openFinding = ({ service }: QualityDeps) => async (finding?: Finding) => {
  const url = finding && service.findingUrl(finding);
  if (!url) throw new Error('Open on SonarCloud works from a SonarCloud problem: use the light bulb on the squiggle.');
  await vscode.env.openExternal(vscode.Uri.parse(url));
};
