import Mocha from 'mocha';
import { findFiles } from './files';

/**
 * Runs every `*.test.js` under `dir` with mocha's bdd interface and spec reporter.
 * TEST_GREP narrows the run to matching titles while working on one feature.
 */
export async function runMochaFiles(dir: string, timeoutMs: number): Promise<{ passed: number; failed: number }> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: timeoutMs, color: true, grep: process.env.TEST_GREP || undefined });
  for (const file of findFiles(dir, '.test.js')) {
    mocha.addFile(file);
  }
  await mocha.loadFilesAsync();
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats!));
  });
  return { passed: stats.passes, failed: stats.failures };
}
