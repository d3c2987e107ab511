// Runs in restricted mode (code-server started without --disable-workspace-trust) on a workspace
// with a git repository, a compose file and a sonar-project.properties naming the Sonar host.
// Spy executables on PATH record every git, docker and compose start.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { controlSonar, FAKE_SONAR_TOKEN, type SonarRequest } from '../../support/fakeSonar';

const SONAR = process.env.AIRFLOW_ECS_TEST_SONAR ?? '';
const SPAWN_LOG = process.env.AIRFLOW_ECS_TEST_SPAWN_LOG ?? '';
const REFUSAL = 'is off in an untrusted workspace because it can run code the workspace defines: trust the folder to use it.';
type Win = Record<string, unknown>;

/** Runs a command with every dialog answered "no" and returns the error messages it showed and the other dialogs. */
async function run(command: string, ...args: unknown[]): Promise<{ errors: unknown[][]; asked: string[] }> {
  const win = vscode.window as unknown as Win;
  const keys = ['showErrorMessage', 'showWarningMessage', 'showInformationMessage', 'showInputBox', 'showQuickPick'];
  const saved = Object.fromEntries(keys.map((k) => [k, win[k]]));
  const errors: unknown[][] = [];
  const asked: string[] = [];
  win.showErrorMessage = async (...a: unknown[]) => { errors.push(a); return undefined; };
  for (const k of keys.slice(1)) win[k] = async () => { asked.push(k); return undefined; };
  try {
    await vscode.commands.executeCommand(command, ...args);
  } finally {
    Object.assign(win, saved);
  }
  return { errors, asked };
}

const spawned = () => fs.readFileSync(SPAWN_LOG, 'utf8').split('\n').filter(Boolean);
const requests = async () => ((await controlSonar(SONAR, 'requests')) as { requests: SonarRequest[] }).requests;

describe('Restricted mode: nothing the workspace defines runs', () => {
  let api: ExtensionApi;
  before(async () => {
    assert.ok(SONAR && SPAWN_LOG, 'AIRFLOW_ECS_TEST_SONAR and AIRFLOW_ECS_TEST_SPAWN_LOG must be set');
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
  });

  it('the window is in restricted mode and the extension is active', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.ok(api.localStack);
  });

  it('Local Stack Stop, Start, Restart, Pull and Down are refused with one sentence, before any question', async () => {
    for (const [id, action] of [['stop', 'Stop'], ['start', 'Start'], ['restart', 'Restart'], ['pull', 'Pull'], ['down', 'Down']]) {
      const { errors, asked } = await run(`airflowEcs.localStack.${id}`);
      assert.equal(errors.length, 1, id);
      assert.equal(errors[0][0], `${action} ${REFUSAL}`);
      assert.deepEqual(errors[0].slice(1), ['Manage Workspace Trust']);
      assert.deepEqual(asked, [], `${id} asked nothing first`);
    }
  });

  it('Open Shell in Container and Forward Port are refused the same way, before any question', async () => {
    for (const [id, action] of [['openShell', 'Open Shell in Container'], ['forwardPort', 'Forward Port']]) {
      const { errors, asked } = await run(`airflowEcs.${id}`);
      assert.equal(errors[0]?.[0], `${action} ${REFUSAL}`, id);
      assert.deepEqual(asked, [], `${id} asked nothing first`);
    }
  });

  it('Run DAG Pipeline, Build Image and Fetch Commits are refused the same way', async () => {
    for (const [id, action] of [['pipeline.runDagPipeline', 'Run DAG Pipeline'], ['pipeline.buildImage', 'Build Image'], ['images.fetchCommits', 'Fetch Commits']]) {
      const { errors } = await run(`airflowEcs.${id}`);
      assert.equal(errors[0]?.[0], `${action} ${REFUSAL}`, id);
    }
  });

  it('does not offer sign-in to a Sonar host the workspace file names, and sends it nothing', async () => {
    const before = (await requests()).length;
    const project = await api.quality.service.requireProject();
    assert.equal(project.hostFromWorkspace, true);
    const { errors, asked } = await run('airflowEcs.sonar.signIn');
    assert.equal(errors[0]?.[0], `${SONAR} is named by the sonar-project.properties of this untrusted workspace, so no token is sent there: trust the folder, or set the Sonar host in your settings.`);
    assert.deepEqual(errors[0].slice(1, 3), ['Manage Workspace Trust', 'Open Settings']);
    assert.deepEqual(asked, [], 'no token box, no confirmation');
    assert.equal(await api.quality.service.token(project), undefined);
    assert.equal((await requests()).length, before, 'nothing reached the host');
  });

  it('Quality reads findings from a host in the settings without running git, and says so', async () => {
    const cfg = vscode.workspace.getConfiguration('airflowEcs');
    await cfg.update('sonar.hostUrl', SONAR, vscode.ConfigurationTarget.Global);
    try {
      const project = await api.quality.service.requireProject();
      assert.equal(project.hostFromWorkspace, false);
      await controlSonar(SONAR, 'token', { token: FAKE_SONAR_TOKEN });
      await api.quality.service.storeToken(project, FAKE_SONAR_TOKEN);
      // A background refresh (the settings change above starts one) may overtake ours: it is
      // dropped as 'aborted' by design, so ask until a refresh of our own completes.
      let snapshot;
      for (let attempt = 1; !snapshot; attempt++) {
        snapshot = await api.quality.service.refresh().catch((e: { kind?: string }) => {
          if (e.kind !== 'aborted' || attempt === 5) throw e;
          return undefined;
        });
      }
      assert.equal(snapshot.origin.kind === 'server' && snapshot.origin.fallback, 'Git does not run in an untrusted workspace: showing main.');
      assert.equal(api.quality.service.gitState, undefined);
      await api.quality.service.storeToken(project, undefined);
    } finally {
      await cfg.update('sonar.hostUrl', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('no git and no compose ran: at activation, for the status bars, or for any command above', async () => {
    await api.pipeline.updateStatusBar();
    const ours = spawned().filter((l) => !/^docker(-compose)? (compose )?version\b/.test(l) && !/^podman (compose )?version\b/.test(l));
    assert.deepEqual(ours, []);
  });
});
