import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FakeCodeBuild } from '../support/fakeAws/codebuild';
import { useAwsWorkbench } from './awsWorkbench';

/** A clone whose HEAD is pushed to its upstream, as a DAG author's would be. */
function gitWorkspace(): { dir: string; head: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-pipeline-'));
  const env = { ...process.env, GIT_AUTHOR_NAME: 'alice', GIT_AUTHOR_EMAIL: 'a@e', GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'a@e' };
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  git(dir, 'init', '-q', '--bare', 'origin.git');
  const work = path.join(dir, 'dags-repo');
  git(dir, 'init', '-q', '-b', 'main', work);
  fs.mkdirSync(path.join(work, 'dags'));
  fs.writeFileSync(path.join(work, 'dags', 'orders.py'), '# orders DAG\n');
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'Add the orders DAG');
  git(work, 'remote', 'add', 'origin', path.join(dir, 'origin.git'));
  git(work, 'push', '-q', '-u', 'origin', 'main');
  return { dir: work, head: git(work, 'rev-parse', 'HEAD') };
}

describe('UI: the DAG pipeline as a person runs it', () => {
  let workspace: { dir: string; head: string };
  let fakeCodeBuild: FakeCodeBuild;
  const ui = useAwsWorkbench('pipeline', async ({ codebuild }) => {
    fakeCodeBuild = codebuild;
    workspace = gitWorkspace();
    codebuild.seed([{ name: 'airflow-dags', phaseMs: 1500 }]);
    return {
      workspace: workspace.dir,
      userSettings: { 'airflowEcs.pipeline.dagProject': 'airflow-dags' },
      cleanup: () => fs.rmSync(path.dirname(workspace.dir), { recursive: true, force: true }),
    };
  });

  it('runs the pipeline from the view, watches the phases tick and sees the result in the status bar', async () => {
    const { workbench } = ui;
    const { page } = workbench;
    await workbench.clickActivityBar('Airflow on ECS');
    const header = page.locator('.pane-header[aria-label^="Pipelines"]');
    await header.waitFor();
    await workbench.expand(header, workbench.treeRow('DAG pipeline'));
    // The environment overrides box: Enter starts the build with the project's own environment.
    const input = page.locator('.quick-input-widget input');
    await workbench.click(header.locator('.action-label[aria-label="Run DAG Pipeline"]'), { hover: header, until: (timeout) => input.waitFor({ timeout }) });
    await input.press('Enter');

    const build = workbench.treeRow('#1').first();
    await build.waitFor({ timeout: 30_000 });
    assert.match(await build.innerText(), new RegExp(`${workspace.head.slice(0, 7)} Add the orders DAG`));
    await workbench.expand(build, workbench.treeRow('SUBMITTED'));
    await page.locator('.pane-body .monaco-list-row', { hasText: 'INSTALL' }).first().waitFor({ timeout: 30_000 });
    await workbench.widenSideBar(700);
    await workbench.screenshot('pipeline-running');

    const status = page.locator('.statusbar-item', { hasText: 'DAG pipeline passed' });
    await status.waitFor({ timeout: 60_000 });
    // The tree row redraws from the same watcher update; wait for it rather than read it once.
    await workbench.treeRow('#1').filter({ hasText: 'succeeded' }).first().waitFor({ timeout: 10_000 });
    // The build's log, tailed from CloudWatch into its own channel.
    await page.locator('.part.panel .view-lines', { hasText: 'Phase complete: BUILD State: SUCCEEDED' }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('pipeline-passed');
  });

  it('sends a password typed in the overrides box once, says it is not remembered, and remembers the rest', async () => {
    const { workbench } = ui;
    const { page } = workbench;
    const input = page.locator('.quick-input-widget input');
    await workbench.runCommand('Notifications: Clear All Notifications');
    await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden' });
    await workbench.runCommand('Airflow on ECS: Run DAG Pipeline');
    await page.locator('.quick-input-widget', { hasText: 'ssm:/parameter' }).waitFor();
    await input.fill('DRY_RUN=1; DB_PASSWORD=hunter2; SONAR_TOKEN=secret:sonar-token');
    await input.press('Enter');
    const warning = await workbench.waitForNotification('DB_PASSWORD is not remembered because it looks like a secret: use NAME=ssm:/parameter or NAME=secret:arn');
    await warning.hover();
    await workbench.screenshot('pipeline-secret-not-remembered');

    const sent = () => fakeCodeBuild.control.builds().builds.find((b) => b.buildNumber === 2) as { environment: { environmentVariables: unknown[] } } | undefined;
    await workbench.treeRow('#2').first().waitFor({ timeout: 30_000 });
    assert.deepEqual(sent()?.environment.environmentVariables, [
      { name: 'DRY_RUN', value: '1', type: 'PLAINTEXT' },
      { name: 'DB_PASSWORD', value: 'hunter2', type: 'PLAINTEXT' },
      { name: 'SONAR_TOKEN', value: 'sonar-token', type: 'SECRETS_MANAGER' },
    ]);

    // The next run's box offers what was remembered: no password.
    await workbench.runCommand('Airflow on ECS: Run DAG Pipeline');
    await page.locator('.quick-input-widget', { hasText: 'ssm:/parameter' }).waitFor();
    const remembered = 'DRY_RUN=1; SONAR_TOKEN=secret:sonar-token';
    await page.waitForFunction((v) => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value === v, remembered, { timeout: 10_000 })
      .catch(() => undefined);
    assert.equal(await input.inputValue(), remembered);
    await input.press('Escape');
  });

  it('asks which pipeline from the title after a click on a build row, instead of taking the row for one', async () => {
    const { workbench } = ui;
    await workbench.treeRow('#1').first().click();
    await workbench.page.mouse.move(0, 0);
    await workbench.viewTitleAction('Pipelines', 'Select CodeBuild Project');
    const rows = workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Image pipeline' }).first().waitFor({ timeout: 15_000 });
    assert.deepEqual((await rows.allInnerTexts()).map((t) => t.trim()), ['DAG pipeline', 'Image pipeline']);
    await workbench.page.keyboard.press('Escape');
  });
});
