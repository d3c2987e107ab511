// `npm run test:electron`: the same in-host suite in desktop VS Code, for machines that can
// download it (this project's CI cannot; it uses code-server through `npm run test:host`).
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { repoRoot } from '../support/codeServer';
import { hostWorkspace } from './workspace';

const VSCODE_VERSION = '1.100.3';

async function main(): Promise<number> {
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode(VSCODE_VERSION);
  } catch (err) {
    console.error(`Desktop VS Code ${VSCODE_VERSION} could not be downloaded (${err instanceof Error ? err.message : err}); `
      + 'this runner needs access to update.code.visualstudio.com. Use `npm run test:host` (code-server) offline.');
    return 1;
  }
  const workspace = hostWorkspace();
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      launchArgs: [workspace.folder, '--disable-extensions'],
    });
    console.log('electron: in-host suite passed');
    return 0;
  } catch (err) {
    console.error(`electron: in-host suite failed: ${err instanceof Error ? err.message : err}`);
    return 1;
  } finally {
    workspace.dispose();
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(err);
  process.exitCode = 1;
});
