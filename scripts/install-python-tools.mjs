#!/usr/bin/env node
// Installs the Python tools the tests run for real, each into its own virtual environment under
// .cache/ (git-ignored), keyed by the hash of its pinned requirements: a warm machine reuses it.
//   airflow:  apache-airflow 3 with the providers the image has (infra-templates/docker/)
//   cfn-lint: the CloudFormation linter (test/python/requirements-cfn-lint.txt)
// Prints where each one is; test/support/pythonTools.ts finds them the same way.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(repoRoot, '.cache');

export const TOOLS = {
  airflow: {
    requirements: path.join(repoRoot, 'infra-templates', 'docker', 'requirements.txt'),
    constraints: path.join(repoRoot, 'infra-templates', 'docker', 'constraints.txt'),
    check: ['airflow', 'version'],
  },
  'cfn-lint': {
    requirements: path.join(repoRoot, 'test', 'python', 'requirements-cfn-lint.txt'),
    check: ['cfn-lint', '--version'],
  },
};

/** Python 3.12 as the image has it; another 3.10+ when this machine lacks 3.12. */
export function findPython() {
  const candidates = [process.env.AIRFLOW_ECS_PYTHON, 'python3.12'];
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(process.env.HOME ?? '/root', '.pyenv');
  try {
    for (const v of fs.readdirSync(path.join(pyenvRoot, 'versions')).filter((n) => /^3\.12\./.test(n)).sort().reverse()) {
      candidates.push(path.join(pyenvRoot, 'versions', v, 'bin', 'python3.12'));
    }
  } catch {
    // No pyenv here.
  }
  candidates.push('python3');
  for (const candidate of candidates.filter(Boolean)) {
    const run = spawnSync(candidate, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    const version = run.status === 0 ? run.stdout.trim() : '';
    const [major, minor] = version.split('.').map(Number);
    if (major === 3 && minor >= 10 && minor <= 13) return { python: candidate, version };
  }
  return undefined;
}

export function venvDir(name, pythonVersion) {
  const tool = TOOLS[name];
  const hash = crypto.createHash('sha256');
  for (const file of [tool.requirements, tool.constraints].filter(Boolean)) hash.update(fs.readFileSync(file));
  hash.update(pythonVersion);
  return path.join(cacheDir, `${name}-venv-${hash.digest('hex').slice(0, 12)}`);
}

function install(name, python) {
  const tool = TOOLS[name];
  const dir = venvDir(name, python.version);
  if (fs.existsSync(path.join(dir, '.complete'))) {
    console.log(`install-python-tools: ${name} ready in ${path.relative(repoRoot, dir)} (cached)`);
    return;
  }
  const started = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  const run = (file, args) => {
    const result = spawnSync(file, args, { stdio: 'inherit' });
    if (result.status !== 0) {
      console.error(`install-python-tools: \`${path.basename(file)} ${args.join(' ')}\` failed (exit ${result.status}); see its output above.`);
      process.exit(1);
    }
  };
  run(python.python, ['-m', 'venv', dir]);
  const pip = path.join(dir, 'bin', 'pip');
  run(pip, ['install', '--quiet', '--disable-pip-version-check', '-r', tool.requirements, ...(tool.constraints ? ['-c', tool.constraints] : [])]);
  run(path.join(dir, 'bin', tool.check[0]), tool.check.slice(1));
  fs.writeFileSync(path.join(dir, '.complete'), new Date().toISOString());
  // Older environments of this tool (other pins) are dead weight.
  for (const old of fs.readdirSync(cacheDir).filter((n) => n.startsWith(`${name}-venv-`) && path.join(cacheDir, n) !== dir)) {
    fs.rmSync(path.join(cacheDir, old), { recursive: true, force: true });
  }
  console.log(`install-python-tools: ${name} installed in ${path.relative(repoRoot, dir)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const python = findPython();
  if (!python) {
    console.error('install-python-tools: no Python 3.10-3.13 with venv was found; install python3 and python3-venv (apt-get install -y python3-venv) or set AIRFLOW_ECS_PYTHON.');
    process.exit(1);
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  for (const name of Object.keys(TOOLS)) install(name, python);
}
