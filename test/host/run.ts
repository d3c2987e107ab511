// `npm run test:host`: the in-host suite in a real VS Code (code-server).
import * as path from 'node:path';
import { runHostSuite } from '../support/hostRunner';
import { startFixtures } from './fixtures';
import { hostWorkspace } from './workspace';

async function main(): Promise<number> {
  const started = Date.now();
  const workspace = hostWorkspace();
  const fixtures = await startFixtures();
  try {
    const result = await runHostSuite({
      workspace: workspace.folder,
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
    workspace.dispose();
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(err);
  console.log('host: 0 passed, 1 failed');
  process.exitCode = 1;
});
