// `npm run test:ui`: packages the extension as a .vsix, then runs the UI tests (Playwright +
// Chromium against code-server with that .vsix installed).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/codeServer';
import { runMochaFiles } from '../support/mochaRun';
import { VSIX_ENV } from './vsix';

async function main(): Promise<number> {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-vsix-'));
  try {
    const vsix = path.join(tmp, 'airflow-on-ecs.vsix');
    const vsce = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], {
      cwd: repoRoot, stdio: 'inherit',
    });
    if (vsce.status !== 0) {
      throw new Error('vsce could not package the extension (run `npm run build` first; see its output above)');
    }
    process.env[VSIX_ENV] = vsix;
    const counts = await runMochaFiles(__dirname, 120_000);
    console.log(`ui suite took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`ui: ${counts.passed} passed, ${counts.failed} failed`);
    return counts.failed > 0 ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(err);
  console.log('ui: 0 passed, 1 failed');
  process.exitCode = 1;
});
