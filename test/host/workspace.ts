import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/codeServer';

/** The folder the in-host suite opens: sample-dags/ when the repository has it, else an empty temp folder. */
export function hostWorkspace(): { folder: string; dispose(): void } {
  const sample = path.join(repoRoot, 'sample-dags');
  if (fs.existsSync(sample)) {
    return { folder: sample, dispose: () => undefined };
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-workspace-'));
  return { folder, dispose: () => fs.rmSync(folder, { recursive: true, force: true }) };
}
