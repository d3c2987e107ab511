// `npm run test:host`: the in-host suite in a real VS Code (code-server).
import * as path from 'node:path';
import { runHostSuite } from '../support/hostRunner';
import { startFixtures } from './fixtures';
import { hostWorkspace } from './workspace';
import { workspaceFilesFixture } from '../support/workspaceFiles';

async function main(): Promise<number> {
  const started = Date.now();
  const workspace = hostWorkspace();
  const fixtures = await startFixtures();
  try {
    const results = [await runHostSuite({
      workspace: workspace.folder,
      suiteIndexPath: path.join(__dirname, 'index.js'),
      userSettings: fixtures.userSettings,
      machineSettings: fixtures.machineSettings,
      env: fixtures.env,
      timeoutMs: 10 * 60_000,
    })];
    // What the workspace's own files may make the extension do: once trusted, once in restricted mode.
    const files = workspaceFilesFixture(fixtures.env.AIRFLOW_ECS_TEST_SONAR);
    try {
      for (const [suite, trustWorkspace] of [['workspaceTrusted', true], ['workspaceRestricted', false]] as const) {
        files.clearSpawnLog();
        results.push(await runHostSuite({
          workspace: files.folder,
          suiteIndexPath: path.join(__dirname, 'index.js'),
          // The built-in git extension would run git in the workspace too; the spies count only ours.
          userSettings: { ...fixtures.userSettings, 'git.enabled': false },
          machineSettings: { ...fixtures.machineSettings, 'airflowEcs.sonar.hostUrl': '' },
          // VSCODE_CLI=1: the server keeps this PATH instead of reading a login shell's environment.
          env: { ...fixtures.env, PATH: files.path, VSCODE_CLI: '1', AIRFLOW_ECS_HOST_SUITE: suite, AIRFLOW_ECS_TEST_SPAWN_LOG: files.spawnLog },
          trustWorkspace,
          timeoutMs: 5 * 60_000,
        }));
      }
    } finally {
      files.dispose();
    }
    const passed = results.reduce((n, r) => n + r.passed, 0);
    const failed = results.reduce((n, r) => n + r.failed, 0);
    console.log(`host suite took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`host: ${passed} passed, ${failed} failed`);
    return failed > 0 || results.some((r) => r.exitCode !== 0) ? 1 : 0;
  } finally {
    await fixtures.dispose();
    workspace.dispose();
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(err);
  console.log('host: 0 passed, 1 failed');
  process.exitCode = 1;
});
