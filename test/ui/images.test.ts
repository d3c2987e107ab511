import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useAwsWorkbench } from './awsWorkbench';

describe('UI: the Images view as a person uses it', () => {
  let workspace: string;
  let sha: string;
  const ui = useAwsWorkbench('images', async ({ ecr }) => {
    // A DAG repository with two commits; the image was built from the second.
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-images-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Dag Author', '-c', 'user.email=dags@example.com', ...args], { cwd: workspace, encoding: 'utf8' }).trim();
    git('init', '-q');
    fs.mkdirSync(path.join(workspace, 'dags'));
    fs.writeFileSync(path.join(workspace, 'dags', 'etl.py'), 'print("v1")\n');
    git('add', '.');
    git('commit', '-qm', 'First DAG');
    fs.writeFileSync(path.join(workspace, 'dags', 'etl.py'), 'print("v2")\n');
    git('commit', '-qam', 'Retry the ETL load step');
    sha = git('rev-parse', 'HEAD');

    ecr.seed([{ name: 'airflow', images: [{ tags: ['build-7'], labels: { BUILD_NUMBER: '7', SOURCE_VERSION: sha }, pushedMinutesAgo: 3, scan: 'COMPLETE' }] }]);
    return { workspace, cleanup: () => fs.rmSync(workspace, { recursive: true, force: true }) };
  });

  it('expands a repository, sees build number and commit on a tag, and opens the commit', async () => {
    await ui.workbench.clickActivityBar('Airflow on ECS');
    const repo = ui.workbench.treeRow('airflow').filter({ hasText: 'scan on push' });
    await repo.waitFor({ timeout: 30_000 });
    const tag = ui.workbench.treeRow('build-7');
    await ui.workbench.expand(repo, tag);
    await ui.workbench.page.waitForFunction(
      (short) => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => r.textContent?.includes('build-7') && r.textContent.includes(`#7 · ${short}`)),
      sha.slice(0, 7),
      { timeout: 20_000 },
    );
    const commit = ui.workbench.treeRow('Retry the ETL load step');
    await ui.workbench.expand(tag, commit);
    assert.match(await commit.innerText(), /Dag Author/);
    await ui.workbench.screenshot('images-tree');
    const editor = ui.workbench.page.locator('.editor-instance .view-lines');
    // The editor renders spaces as U+00A0.
    await ui.workbench.click(commit, {
      until: (timeout) => ui.workbench.page.waitForFunction((full) => document.querySelector('.editor-instance .view-lines')?.textContent?.replace(/\u00a0/g, ' ').includes(`commit ${full}`), sha, { timeout }),
    });
    assert.match((await editor.innerText()).replace(/[\s\u00a0]+/g, ' '), /Retry the ETL load step/);
    await ui.workbench.page.locator('.statusbar-item', { hasText: `HEAD ${sha.slice(0, 7)} not deployed` }).waitFor();
    await ui.workbench.screenshot('images-commit');
  });

  it('acts on the whole view from the title after a click on a row: Refresh Images shows a new push', async () => {
    const { workbench, fakes } = ui;
    await workbench.treeRow('build-7').first().click();
    const before = fakes.aws.countCalls('DescribeRepositories');
    fakes.ecr.seed([{ name: 'airflow', images: [
      { tags: ['build-8', 'latest'], labels: { BUILD_NUMBER: '8', SOURCE_VERSION: sha }, pushedMinutesAgo: 1 },
      { tags: ['build-7'], labels: { BUILD_NUMBER: '7', SOURCE_VERSION: sha }, pushedMinutesAgo: 3, scan: 'COMPLETE', scanQuotaUsed: true },
    ] }]);
    await workbench.page.mouse.move(0, 0);
    await workbench.viewTitleAction('Images', 'Refresh Images');
    await workbench.treeRow('build-8, latest').first().waitFor({ timeout: 30_000 });
    assert.equal(fakes.aws.countCalls('DescribeRepositories'), before + 1, 'the title action reloaded the repositories, not the focused tag');
  });

  it('offers the build tag and the digest before `latest` when copying the URI', async () => {
    const { workbench } = ui;
    await workbench.page.waitForFunction(() => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => r.textContent?.includes('build-8, latest') && r.textContent.includes('#8')), undefined, { timeout: 20_000 });
    await workbench.contextMenu(workbench.treeRow('build-8, latest').first(), 'Copy Image URI');
    const rows = workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    assert.match(texts[0], /airflow:build-8\s*build tag/);
    assert.match(texts[1], /airflow@sha256:[0-9a-f]{64}\s*digest: never changes/);
    assert.match(texts[2], /airflow:latest\s*tag: moves with the next push/);
    await workbench.screenshot('images-copy-uri');
    await workbench.page.keyboard.press('Escape');
  });

  it('says at once, without retrying, that the scan quota of an image is used up', async () => {
    const { workbench, fakes } = ui;
    const before = fakes.aws.countCalls('StartImageScan');
    await workbench.contextMenu(workbench.treeRow('build-7').first(), 'Start Image Scan');
    await workbench.waitForNotification('scan quota for this image is used up');
    assert.equal(fakes.aws.countCalls('StartImageScan') - before, 1);
    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden' });
  });

  it('says that Fetch Commits has nothing to fetch from in a clone without a remote', async () => {
    await ui.workbench.viewTitleAction('Images', 'Fetch Commits');
    await ui.workbench.waitForNotification('This repository has no git remote');
  });
});
