// Runs in a trusted window whose sonar-project.properties names the Sonar host (no host setting).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { controlSonar, FAKE_SONAR_TOKEN, type SonarRequest } from '../../support/fakeSonar';

const SONAR = process.env.AIRFLOW_ECS_TEST_SONAR ?? '';
type Win = Record<string, unknown>;

/** Answers the dialogs of one sign-in as a person would and records them. */
async function signIn(answerToModal: string | undefined): Promise<{ modals: unknown[][]; inputs: number; errors: unknown[][] }> {
  const win = vscode.window as unknown as Win;
  const saved = { ...Object.fromEntries(['showWarningMessage', 'showInputBox', 'showErrorMessage', 'showInformationMessage'].map((k) => [k, win[k]])) };
  const modals: unknown[][] = [];
  const errors: unknown[][] = [];
  let inputs = 0;
  win.showWarningMessage = async (...args: unknown[]) => { modals.push(args); return answerToModal; };
  win.showInputBox = async () => { inputs++; return FAKE_SONAR_TOKEN; };
  win.showErrorMessage = async (...args: unknown[]) => { errors.push(args); return undefined; };
  win.showInformationMessage = async () => undefined;
  try {
    await vscode.commands.executeCommand('airflowEcs.sonar.signIn');
  } finally {
    Object.assign(win, saved);
  }
  return { modals, inputs, errors };
}

const requests = async () => ((await controlSonar(SONAR, 'requests')) as { requests: SonarRequest[] }).requests;

describe('Sonar host named by sonar-project.properties, trusted workspace', () => {
  let api: ExtensionApi;
  before(async () => {
    assert.ok(SONAR, 'AIRFLOW_ECS_TEST_SONAR must point at the local Sonar server');
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
    await controlSonar(SONAR, 'token', { token: FAKE_SONAR_TOKEN });
  });

  it('reads the host from the workspace file', async () => {
    assert.equal(vscode.workspace.isTrusted, true);
    const project = await api.quality.service.requireProject();
    assert.equal(project.host, SONAR);
    assert.equal(project.hostFromWorkspace, true);
  });

  it('asks before the first token goes there; declining sends nothing', async () => {
    const before = (await requests()).length;
    const { modals, inputs, errors } = await signIn(undefined);
    assert.equal(modals.length, 1);
    assert.equal(modals[0][0], `Send your SonarCloud token to ${SONAR} named by sonar-project.properties?`);
    assert.equal((modals[0][1] as { modal?: boolean }).modal, true);
    assert.deepEqual(modals[0].slice(2), ['Send Token']);
    assert.equal(inputs, 0, 'no token was asked for');
    assert.deepEqual(errors, [], 'declining is not an error');
    assert.equal((await requests()).length, before, 'nothing reached the host');
  });

  it('after "Send Token" signs in, and never asks again for that host', async () => {
    const first = await signIn('Send Token');
    assert.equal(first.modals.length, 1);
    assert.equal(first.inputs, 1);
    assert.deepEqual(first.errors, []);
    const project = await api.quality.service.requireProject();
    assert.equal(await api.quality.service.token(project), FAKE_SONAR_TOKEN);
    assert.ok((await requests()).some((r) => r.path === 'api/authentication/validate' && r.authorized));

    await api.quality.service.storeToken(project, undefined);
    const again = await signIn(undefined);
    assert.equal(again.modals.length, 0, 'remembered per host');
    assert.equal(again.inputs, 1);
    assert.equal(await api.quality.service.token(project), FAKE_SONAR_TOKEN);
  });

  it('runs git through the spies on PATH once trusted (what the restricted run proves absent)', () => {
    const spawned = fs.readFileSync(process.env.AIRFLOW_ECS_TEST_SPAWN_LOG ?? '', 'utf8').split('\n');
    assert.ok(spawned.includes('git rev-parse --absolute-git-dir'), `PATH=${process.env.PATH}\nspawned:\n${spawned.join('\n')}`);
    assert.equal(api.quality.service.gitState?.branch, 'main', JSON.stringify(api.quality.service.gitState));
  });
});
