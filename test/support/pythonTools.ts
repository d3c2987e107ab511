// The Python tools that scripts/install-python-tools.mjs installs under .cache/ (one virtual
// environment per tool, named <tool>-venv-<hash of its pins>; the installer keeps only the
// current one). Tests that need them fail with the command that installs them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './codeServer';

export type PythonTool = 'airflow' | 'cfn-lint';

/** The bin/ folder of a tool's virtual environment. */
export function pythonToolBin(tool: PythonTool): string {
  const cache = path.join(repoRoot, '.cache');
  const venv = (fs.existsSync(cache) ? fs.readdirSync(cache) : [])
    .filter((name) => name.startsWith(`${tool}-venv-`) && fs.existsSync(path.join(cache, name, '.complete')))
    .map((name) => path.join(cache, name))[0];
  assert.ok(venv, `${tool} is not installed for the tests: run \`node scripts/install-python-tools.mjs\` (.ci/run does).`);
  return path.join(venv, 'bin');
}
