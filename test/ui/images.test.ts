import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { writeAwsProfileFiles } from '../support/awsProfiles';
import { packagedVsix } from './vsix';

describe('UI: the Images view as a person uses it', () => {
  let workspace: string;
  let aws: FakeAws;
  let server: CodeServer;
  let workbench: Workbench;
  let sha: string;

  before(async () => {
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

    let ecr;
    ({ aws, ecr } = await startFakeAws());
    ecr.seed([{ name: 'airflow', images: [{ tags: ['build-7'], labels: { BUILD_NUMBER: '7', SOURCE_VERSION: sha }, pushedMinutesAgo: 3, scan: 'COMPLETE' }] }]);
    server = await startCodeServer({
      workspace,
      installVsix: packagedVsix(),
      env: { ...writeAwsProfileFiles(), AWS_EC2_METADATA_DISABLED: 'true' },
      userSettings: { 'airflowEcs.aws.profile': 'test', 'airflowEcs.aws.region': 'us-east-1', 'airflowEcs.explorer.refreshInterval': 0 },
      machineSettings: { 'airflowEcs.aws.endpointUrl': aws.url },
    });
    workbench = await openWorkbench(payloadUrl(server.url, server.port, { folder: workspace }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`ui-images-failed-${Date.now()}`);
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    await aws?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('expands a repository, sees build number and commit on a tag, and opens the commit', async () => {
    await workbench.clickActivityBar('Airflow on ECS');
    const repo = workbench.treeRow('airflow').filter({ hasText: 'scan on push' });
    await repo.waitFor({ timeout: 30_000 });
    await repo.click();
    const tag = workbench.treeRow('build-7');
    await tag.waitFor();
    await workbench.page.waitForFunction(
      (short) => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => r.textContent?.includes('build-7') && r.textContent.includes(`#7 · ${short}`)),
      sha.slice(0, 7),
      { timeout: 20_000 },
    );
    await tag.click();
    const commit = workbench.treeRow('Retry the ETL load step');
    await commit.waitFor();
    assert.match(await commit.innerText(), /Dag Author/);
    await workbench.screenshot('images-tree');
    await commit.click();
    const editor = workbench.page.locator('.editor-instance .view-lines');
    // The editor renders spaces as U+00A0.
    await workbench.page.waitForFunction((full) => document.querySelector('.editor-instance .view-lines')?.textContent?.replace(/\u00a0/g, ' ').includes(`commit ${full}`), sha, { timeout: 20_000 });
    assert.match((await editor.innerText()).replace(/[\s\u00a0]+/g, ' '), /Retry the ETL load step/);
    await workbench.page.locator('.statusbar-item', { hasText: `HEAD ${sha.slice(0, 7)} not deployed` }).waitFor();
    await workbench.screenshot('images-commit');
  });
});
