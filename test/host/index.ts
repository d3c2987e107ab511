// The in-host suite index: VS Code loads this file in the extension host (extensionTestsPath)
// and awaits run(). It runs every compiled test under suite/ and reports the counts.
import * as path from 'node:path';
import { formatHostResult } from '../support/hostResult';
import { runMochaFiles } from '../support/mochaRun';

export async function run(): Promise<void> {
  // run.ts picks the folder: suite/ for the main run, the others for runs with their own workspace.
  const counts = await runMochaFiles(path.join(__dirname, process.env.AIRFLOW_ECS_HOST_SUITE ?? 'suite'), 60_000);
  console.log(formatHostResult(counts));
  if (counts.failed > 0) {
    throw new Error(`${counts.failed} in-host test(s) failed`);
  }
}
