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
});
