import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFindingsFile } from '../../../core/sonar/findingsFile';
import { formatCount, plural } from '../../../core/sonar/format';
import type { QualityDeps } from './deps';

/** Shows a saved api/issues/search answer (sonar-findings.json from the pipeline) without the server. */
export const importFindings = ({ service }: QualityDeps) => async (uri?: unknown) => {
  const file = uri instanceof vscode.Uri ? uri : (await vscode.window.showOpenDialog({
    title: 'Import SonarCloud Findings', canSelectMany: false, filters: { 'Sonar findings (JSON)': ['json'] }, openLabel: 'Import',
  }))?.[0];
  if (!file) return;
  const name = path.basename(file.fsPath);
  const saved = parseFindingsFile(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8'), name);
  const project = await service.requireProject();
  const s = await service.show(project, { issues: saved.issues, hotspots: [], components: saved.components }, {
    origin: { kind: 'file', name, held: saved.issues.length }, leftOut: Math.max(0, saved.total - saved.issues.length), failures: [],
  });
  const shown = Object.values(s.counts).reduce((a, b) => a + b, 0);
  const held = s.leftOut ? ` (the file holds ${formatCount(saved.issues.length)} of the ${formatCount(saved.total)} issues the server counted)` : '';
  const outside = s.unmapped ? `; ${plural(s.unmapped, 'finding')} on files outside this workspace` : '';
  void vscode.window.showInformationMessage(`Showing ${plural(shown, 'finding')} from ${name} on ${plural(s.files.length, 'file')}${held}${outside}.`);
};
