// `npm run test:host`: the in-host suite in a real VS Code (code-server) on sample-dags/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/codeServer';
import { runHostSuite } from '../support/hostRunner';
import { startFixtures } from './fixtures';

async function main(): Promise<number> {
  const started = Date.now();
  // sample-dags/ when the repository has it, else an empty temp folder.
  const sample = path.join(repoRoot, 'sample-dags');
  const workspace = fs.existsSync(sample) ? sample : fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-workspace-'));
  const fixtures = await startFixtures();
  try {
    const result = await runHostSuite({
      workspace,
      suiteIndexPath: path.join(__dirname, 'index.js'),
      userSettings: fixtures.userSettings,
      machineSettings: fixtures.machineSettings,
      env: fixtures.env,
      timeoutMs: 10 * 60_000,
    });
    console.log(`host suite took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`host: ${result.passed} passed, ${result.failed} failed`);
    return result.failed > 0 || result.exitCode !== 0 ? 1 : 0;
  } finally {
    await fixtures.dispose();
    if (workspace !== sample) {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(err);
  console.log('host: 0 passed, 1 failed');
  process.exitCode = 1;
});
