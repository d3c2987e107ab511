import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { startFakeAws } from '../support/fakeAws';
import { writeAwsProfileFiles } from '../support/awsProfiles';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { packagedVsix } from './vsix';

type Fakes = Awaited<ReturnType<typeof startFakeAws>>;

/** Chooses the quick pick row whose label is exactly `label` (typing could match a longer one first). */
async function pick(page: Page, label: string): Promise<void> {
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
  await row.waitFor();
  await row.click();
}

/** The Clusters view's own Refresh button (several commands are titled Refresh…). */
async function refreshClusters(workbench: Workbench): Promise<void> {
  const header = workbench.page.locator('.pane-header[aria-label^="Clusters"]');
  await header.hover();
  await header.locator('.action-label[aria-label="Refresh"]').click();
}

/** A view's welcome content once it shows `text`. */
function welcomeText(page: Page, text: string) {
  return page.locator('.pane-body .welcome-view-content').filter({ hasText: text }).first();
}

/** One code-server with the packaged extension and its own fakes; `settings` decides the rest. */
function useFirstRun(name: string, setup: (fakes: Fakes, home: string) => { env: Record<string, string>; userSettings: object; machineSettings: object }) {
  const handle = {} as { fakes: Fakes; server: CodeServer; workbench: Workbench; home: string; workspace: string };
  before(async () => {
    handle.fakes = await startFakeAws();
    handle.home = fs.mkdtempSync(path.join(os.tmpdir(), `airflow-ecs-ui-${name}-home-`));
    handle.workspace = fs.mkdtempSync(path.join(os.tmpdir(), `airflow-ecs-ui-${name}-ws-`));
    const { env, userSettings, machineSettings } = setup(handle.fakes, handle.home);
    handle.server = await startCodeServer({ workspace: handle.workspace, installVsix: packagedVsix(), env, userSettings, machineSettings });
    handle.workbench = await openWorkbench(payloadUrl(handle.server.url, handle.server.port, { folder: handle.workspace }));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await handle.workbench?.screenshot(`ui-${name}-failed-${Date.now()}`);
  });
  after(async () => {
    await handle.workbench?.close();
    await handle.server?.stop();
    await handle.fakes?.aws.close();
    for (const dir of [handle.home, handle.workspace]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return handle;
}

describe('UI: first run with credentials only in the environment and no ~/.aws', () => {
  const ui = useFirstRun('env-credentials', ({ aws, ecs, ecr }, home) => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 2 }] }]);
    ecr.seed([{ name: 'airflow', images: [{ tags: ['build-3'], labels: { BUILD_NUMBER: '3' }, pushedMinutesAgo: 2 }] }]);
    return {
      // As aws-vault, CI and dev containers give them: keys and region in the environment, no files.
      env: { HOME: home, AWS_ACCESS_KEY_ID: 'AKIDENVONLY', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
      userSettings: { 'airflowEcs.explorer.refreshInterval': 0 },
      machineSettings: { 'airflowEcs.aws.endpointUrl': aws.url },
    };
  });

  it('lists clusters and images, and the description says the credentials come from the environment', async () => {
    const { workbench } = ui;
    await workbench.clickActivityBar('Airflow on ECS');
    await workbench.treeRow('airflow-prod').first().waitFor({ timeout: 60_000 });
    await workbench.page.locator('.pane-header[aria-label*="Clusters - env @ us-east-1"]').waitFor({ state: 'attached', timeout: 20_000 });
    await workbench.treeRow('airflow').filter({ hasText: 'scan on push' }).first().waitFor({ timeout: 30_000 });
    assert.equal(await workbench.page.locator('.gettingStartedContainer').count(), 0, 'the harness turned the walkthrough off for this window');
    await workbench.widenSideBar(600);
    await workbench.screenshot('first-run-env-credentials');
  });

  it('offers the default chain and a new profile in Select AWS Profile; the endpoint in Remote settings survives the change', async () => {
    const { workbench } = ui;
    // The user runs `aws configure --profile ci` meanwhile.
    fs.mkdirSync(path.join(ui.home, '.aws'));
    fs.writeFileSync(path.join(ui.home, '.aws', 'credentials'), '[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = ci-secret\n');
    await workbench.runCommand('Airflow on ECS: Select AWS Profile');
    await workbench.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Default credential chain' }).first().waitFor();
    await pick(workbench.page, 'ci');
    await workbench.page.locator('.pane-header[aria-label*="Clusters - ci @ us-east-1"]').waitFor({ state: 'attached', timeout: 20_000 });
    // Reloaded against the same endpoint: the machine setting did not vanish with the settings change.
    const callsBefore = ui.fakes.aws.countCalls('ListClusters');
    await refreshClusters(workbench);
    await workbench.treeRow('airflow-prod').first().waitFor({ timeout: 30_000 });
    for (let i = 0; i < 100 && ui.fakes.aws.countCalls('ListClusters') === callsBefore; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ui.fakes.aws.countCalls('ListClusters') > callsBefore, 'the refresh reached the endpoint from the Remote settings');

    // Choosing a profile wrote only the profile, to User settings; the endpoint stays where it was.
    const settings = (scope: string) => JSON.parse(fs.readFileSync(path.join(ui.server.dir, 'ud', scope, 'settings.json'), 'utf8'));
    assert.equal(settings('User')['airflowEcs.aws.profile'], 'ci');
    assert.equal(settings('User')['airflowEcs.aws.endpointUrl'], undefined);
    assert.equal(settings('Machine')['airflowEcs.aws.endpointUrl'], ui.fakes.aws.url);

    await workbench.runCommand('Airflow on ECS: Select AWS Profile');
    await pick(workbench.page, 'Default credential chain');
    await workbench.page.locator('.pane-header[aria-label*="Clusters - env @ us-east-1"]').waitFor({ state: 'attached', timeout: 20_000 });
  });

  it('an endpoint that answers HTML: the view says so with Open Settings, and the log has the sentence', async () => {
    const { workbench, fakes } = ui;
    fakes.aws.injectFault({ operation: 'ListClusters', kind: 'html', status: 200, count: 1000 });
    await refreshClusters(workbench);
    const welcome = welcomeText(workbench.page, 'not an AWS response');
    await welcome.waitFor({ timeout: 30_000 });
    await welcome.locator('.monaco-button', { hasText: 'Open Settings' }).first().waitFor();
    assert.doesNotMatch(await workbench.page.locator('.part.sidebar').innerText(), /Unexpected token|Deserialization/);
    await workbench.screenshot('first-run-html-endpoint');
    await welcome.locator('.monaco-button', { hasText: 'Show Log' }).first().click();
    await workbench.page.locator('.part.panel .view-lines', { hasText: 'answered ecs:ListClusters with an HTML page (HTTP 200), not an AWS response' }).first().waitFor({ timeout: 20_000 });
    fakes.aws.reset();
  });
});

describe('UI: the Getting Started walkthrough', () => {
  const ui = useFirstRun('walkthrough', ({ aws, ecs }) => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'scheduler', desiredCount: 1 }] }]);
    return {
      env: { ...writeAwsProfileFiles(), AWS_EC2_METADATA_DISABLED: 'true' },
      userSettings: {
        'airflowEcs.aws.profile': 'test',
        'airflowEcs.aws.region': 'us-east-1',
        'airflowEcs.explorer.refreshInterval': 0,
        // A machine setting put where a remote window ignores it.
        'airflowEcs.sonar.hostUrl': 'http://127.0.0.1:9/ignored',
      },
      machineSettings: { 'airflowEcs.aws.endpointUrl': aws.url, 'workbench.welcomePage.walkthroughs.openOnInstall': true },
    };
  });
  const walkthrough = (page: Page) => page.locator('.gettingStartedContainer').filter({ hasText: 'Get Started with Airflow on ECS' }).first();

  it('opens on first activation and checks off "Open your cluster" when the view lists one', async () => {
    const { page } = ui.workbench;
    await ui.workbench.clickActivityBar('Airflow on ECS');
    await walkthrough(page).waitFor({ timeout: 60_000 });
    await ui.workbench.treeRow('airflow-prod').first().waitFor({ timeout: 30_000 });
    await page.locator('button.getting-started-step[data-step-id$="openCluster"][aria-checked="true"]').waitFor({ state: 'attached', timeout: 20_000 });
    assert.equal(await page.locator('button.getting-started-step[data-step-id$="connectSonar"]').getAttribute('aria-checked'), 'false');
    await ui.workbench.screenshot('walkthrough');
  });

  it('says once that a machine setting in User settings is ignored here, with Open Remote Settings', async () => {
    const toast = await ui.workbench.waitForNotification('airflowEcs.sonar.hostUrl is set in your User settings');
    await toast.locator('.monaco-button', { hasText: 'Open Remote Settings' }).click();
    await ui.workbench.page.locator('.settings-editor').first().waitFor({ timeout: 20_000 });
    await ui.workbench.page.locator('.settings-editor .settings-tabs-widget .action-label.checked', { hasText: /Remote/ }).first().waitFor({ timeout: 20_000 });
  });

  it('does not open again on a later activation, and Get Started opens it from the palette', async () => {
    const { page } = ui.workbench;
    await ui.workbench.runCommand('View: Close All Editors');
    await walkthrough(page).waitFor({ state: 'detached' });
    // The workbench's own reload shuts down in order: what the extension stored is flushed first.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await ui.workbench.runCommand('Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    await ui.workbench.clickActivityBar('Airflow on ECS');
    await ui.workbench.treeRow('airflow-prod').first().waitFor({ timeout: 60_000 });
    // Activated and loaded: a walkthrough opened at activation would be there by now.
    await ui.workbench.findCommand('Airflow on ECS: Get Started');
    await page.keyboard.press('Escape');
    assert.equal(await walkthrough(page).count(), 0, 'not opened again');
    assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: 'is set in your User settings' }).count(), 0, 'the ignored setting is said once');
    await ui.workbench.runCommand('Airflow on ECS: Get Started');
    await walkthrough(page).waitFor({ timeout: 20_000 });
  });
});
