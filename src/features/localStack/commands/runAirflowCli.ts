import * as vscode from 'vscode';
import { execInContainer } from '../../../core/docker/exec';
import { splitShellWords } from '../../../core/docker/shellWords';
import { toAbortSignal } from '../../../platform/commands';
import { requireTrust } from '../stack';
import { targetContainer } from '../pickers';
import type { LocalStackDeps } from './deps';

function validateCommand(value: string): string | undefined {
  try {
    return splitShellWords(value).length ? undefined : 'Type a command, e.g. airflow dags list-import-errors';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Runs an Airflow CLI command in the scheduler container (exec API, arguments split without a shell). */
export const runAirflowCli = ({ stack }: LocalStackDeps) => async (node?: unknown) => {
  requireTrust('Run Airflow CLI');
  const container = await targetContainer(stack, node, 'Run the Airflow CLI in', /scheduler/);
  const line = await vscode.window.showInputBox({
    title: `Run in ${container.name}`,
    prompt: 'Airflow CLI command (no shell: quotes group words, $ and | are passed as they are)',
    value: 'airflow dags list-import-errors',
    validateInput: validateCommand,
  });
  if (line === undefined) return;
  const args = splitShellWords(line);
  const out = stack.output;
  out.show(true);
  out.appendLine(`$ docker exec ${container.name} ${line}`);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Running ${args[0]} in ${container.name}`, cancellable: true }, (_p, token) =>
    execInContainer(stack.docker(), container.id, args, { signal: toAbortSignal(token), onOutput: (t) => out.append(t) }));
  out.appendLine(`(exit code ${result.exitCode})`);
  if (result.exitCode !== 0) {
    const picked = await vscode.window.showWarningMessage(`"${line}" exited with code ${result.exitCode} in ${container.name}.`, 'Show Output');
    if (picked) out.show();
  }
  return result;
};
