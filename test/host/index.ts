// The in-host suite index: VS Code loads this file in the extension host (extensionTestsPath)
// and awaits run(). It runs every compiled test under suite/ with mocha's bdd interface.
import * as path from 'node:path';
import Mocha from 'mocha';
import { findFiles } from '../support/files';
import { formatHostResult } from '../support/hostResult';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: true });
  for (const file of findFiles(path.join(__dirname, 'suite'), '.test.js')) {
    mocha.addFile(file);
  }
  await mocha.loadFilesAsync();
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats!));
  });
  console.log(formatHostResult({ passed: stats.passes, failed: stats.failures }));
  if (stats.failures > 0) {
    throw new Error(`${stats.failures} in-host test(s) failed`);
  }
}
