import * as vscode from 'vscode';
import { checkConf, dagParams, defaultConfText, setPaused, triggerRun, type AirflowApi, type DagParam } from '../../../../core/airflow/runs';
import { UserFacingError } from '../../../../platform/errors';
import { RUN_COMMANDS } from '../commandIds';
import { dagOf, runActionProblem, type RunCommandDeps } from './deps';

/** The params as the input box's prompt lists them. */
function paramsPrompt(params: readonly DagParam[]): string {
  if (params.length === 0) return 'Conf as a JSON object (the DAG declares no params; leave {} for none).';
  const each = params.map((p) => `${p.name}${p.hasDefault ? ` (default ${JSON.stringify(p.default)})` : ' (required)'}${p.description ? `: ${p.description}` : ''}`);
  return `Conf as a JSON object. Params: ${each.join('; ')}.`;
}

/** Reads the DAG first: one that is not deployed fails here, a paused one is unpaused if the user wants. */
async function prepare(api: AirflowApi, dagId: string): Promise<DagParam[] | undefined> {
  let paused: boolean;
  try {
    paused = (await api.get<{ is_paused: boolean }>(`/dags/${encodeURIComponent(dagId)}`)).is_paused;
  } catch (err) {
    throw runActionProblem(err, dagId);
  }
  const params = await dagParams(api, dagId);
  if (paused) {
    const answer = await vscode.window.showWarningMessage(`${dagId} is paused: a run would wait in the queue until it is unpaused.`, { modal: true }, 'Unpause and Trigger', 'Trigger Paused');
    if (!answer) return undefined;
    if (answer === 'Unpause and Trigger') await setPaused(api, dagId, false);
  }
  return params;
}

async function start(deps: RunCommandDeps, api: AirflowApi, dagId: string, conf: Record<string, unknown>): Promise<void> {
  try {
    const run = await triggerRun(api, dagId, conf);
    deps.runs.started(run);
    vscode.window.setStatusBarMessage(`$(play) Triggered ${dagId}: run ${run.runId}`, 10_000);
  } catch (err) {
    throw runActionProblem(err, dagId);
  }
}

/** Trigger DAG: conf typed as JSON, checked against the DAG's params as it is typed. */
export const triggerDag = (deps: RunCommandDeps) => async (node?: unknown) => {
  const dagId = await dagOf(node, deps);
  if (!dagId) return;
  const api = await deps.client();
  const params = await prepare(api, dagId);
  if (!params) return;
  const text = await vscode.window.showInputBox({
    title: `Trigger ${dagId}`,
    prompt: paramsPrompt(params),
    value: defaultConfText(params),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const check = checkConf(value, params);
      return check.ok ? undefined : check.message;
    },
  });
  if (text === undefined) return;
  const check = checkConf(text, params);
  if (!check.ok) throw new UserFacingError(check.message);
  await start(deps, api, dagId, check.conf);
};

/** Trigger DAG with its defaults: no question, unless a param has no default. */
export const triggerDagWithDefaults = (deps: RunCommandDeps) => async (node?: unknown) => {
  const dagId = await dagOf(node, deps);
  if (!dagId) return;
  const api = await deps.client();
  const params = await prepare(api, dagId);
  if (!params) return;
  const check = checkConf(defaultConfText(params), params);
  if (!check.ok) {
    throw new UserFacingError(`${dagId} cannot run with its defaults: ${check.message} Use Trigger DAG… to give it.`, [
      { title: 'Trigger DAG…', run: () => vscode.commands.executeCommand(RUN_COMMANDS.triggerDag, { dagId }) },
    ]);
  }
  await start(deps, api, dagId, check.conf);
};
