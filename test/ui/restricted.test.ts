import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { sampleProject, startFakeSonar, type FakeSonar } from '../support/fakeSonar';
import { workspaceFilesFixture, type WorkspaceFilesFixture } from '../support/workspaceFiles';
import { packagedVsix } from './vsix';

describe('UI: a workspace opened in restricted mode, as a person meets it', () => {
  let sonar: FakeSonar;
  let files: WorkspaceFilesFixture;
  let server: CodeServer;
  let workbench: Workbench;

  before(async () => {
    sonar = await startFakeSonar();
    sonar.seed(sampleProject());
    files = workspaceFilesFixture(sonar.url);
    server = await startCodeServer({
      workspace: files.folder,
      installVsix: packagedVsix(),
      trustWorkspace: false,
      userSettings: { 'git.enabled': false },
      // VSCODE_CLI=1: the server keeps this PATH (the spies first) instead of a login shell's.
      env: { PATH: files.path, VSCODE_CLI: '1' },
    });
    workbench = await openWorkbench(payloadUrl(server.url, server.port, { folder: files.folder }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`ui-restricted-failed-${Date.now()}`);
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    await sonar?.close();
    files?.dispose();
  });

  it('answers "No" to the trust question and the Quality view says why it does not offer sign-in', async () => {
    const { page } = workbench;
    const no = page.locator('.monaco-dialog-box .monaco-button', { hasText: "No, I don't trust the authors" });
    await no.waitFor({ timeout: 30_000 });
    await no.click();
    await no.waitFor({ state: 'hidden' });
    await workbench.clickActivityBar('Airflow on ECS');
    const welcome = page.locator('.pane-body', { hasText: "The Sonar host comes from this untrusted workspace's sonar-project.properties, so no token is sent there." });
    await welcome.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.pane-body .monaco-button', { hasText: 'Sign in to SonarCloud' }).count(), 0, 'no sign-in button');
    await workbench.screenshot('restricted-quality');
    assert.deepEqual(sonar.requests, [], 'the workspace-named host heard nothing');
  });

  it('Local Stack: Stop says in one sentence why it is off, with Manage Workspace Trust', async () => {
    await workbench.runCommand('Airflow on ECS: Local Stack: Stop');
    const toast = await workbench.waitForNotification('Stop is off in an untrusted workspace because it can run code the workspace defines: trust the folder to use it.');
    await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).waitFor();
    await toast.hover();
    await workbench.screenshot('restricted-local-stack-stop');
    const spawned = fs.readFileSync(files.spawnLog, 'utf8').split('\n').filter((l) => l && !/^(docker(-compose)?|podman)( compose)? version\b/.test(l));
    assert.deepEqual(spawned, [], 'no git and no compose started');
  });
});
