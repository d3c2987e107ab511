// The demo workspace: what "Initialize Airflow Project" writes (sample DAGs, Dockerfile, compose
// stack, buildspecs), committed in a few steps to a git repository whose upstream is a local bare
// clone, so HEAD counts as pushed and the pipelines can build it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyScaffold, planScaffold, SCAFFOLD_PARTS, TEMPLATE_DEFAULTS } from '../../../src/core/scaffold/scaffold';
import { DEMO_DAG_PROJECT, DEMO_IMAGE_PROJECT, DEMO_REPOSITORY, type DemoCommit } from './deployment';

/** The commits, oldest first: which paths each adds and its subject. */
export const DEMO_HISTORY: readonly { paths: string[]; subject: string }[] = [
  { paths: ['dags/etl_taskflow.py', 'dags/asset_consumer.py', 'tests', 'sonar-project.properties'], subject: 'Add the orders ETL DAG, its asset-driven report and their tests' },
  { paths: ['infra'], subject: 'Add the Airflow image, compose stack and pipelines' },
  { paths: ['dags/sensor_branching.py', 'dags/failing_task_example.py'], subject: 'Add the marker-file sensor DAG and the failing-task example' },
  { paths: ['dags/bad_tempfile_example.py', 'dags/broken_import_example.py', '.vscode'], subject: 'Add the daily report and Snowflake load DAGs' },
];
/** The first commit whose DAG build fails the quality gate (it brings bad_tempfile_example.py). */
export const FIRST_FAILING_COMMIT = 3;

export interface DemoWorkspace {
  folder: string;
  /** Oldest first; the last is HEAD. */
  commits: DemoCommit[];
}

/** Window settings of the demo workspace (resource- and window-scoped only: no endpoint here). */
export const DEMO_WORKSPACE_SETTINGS = {
  'airflowEcs.pipeline.dagProject': DEMO_DAG_PROJECT,
  'airflowEcs.pipeline.imageProject': DEMO_IMAGE_PROJECT,
  'airflowEcs.images.repositories': [DEMO_REPOSITORY],
  'airflowEcs.localStack.composeFile': 'infra/compose/docker-compose.yml',
};

/** Creates `<dir>/workspace` (and its bare upstream `<dir>/origin.git`), replacing any earlier one. */
export async function createDemoWorkspace(repoRoot: string, dir: string): Promise<DemoWorkspace> {
  const folder = path.join(dir, 'workspace');
  const origin = path.join(dir, 'origin.git');
  fs.rmSync(folder, { recursive: true, force: true });
  fs.rmSync(origin, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  const plan = await planScaffold({ extensionRoot: repoRoot, targetRoot: folder, parts: SCAFFOLD_PARTS.map((p) => p.id), values: TEMPLATE_DEFAULTS });
  await applyScaffold(plan, { overwrite: new Set() });
  fs.mkdirSync(path.join(folder, '.vscode'));
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), `${JSON.stringify(DEMO_WORKSPACE_SETTINGS, null, 2)}\n`);

  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Alice Data', GIT_AUTHOR_EMAIL: 'alice@example.com', GIT_COMMITTER_NAME: 'Alice Data', GIT_COMMITTER_EMAIL: 'alice@example.com',
    // The user's own git configuration (signing, hooks, templates) must not apply to the demo's commits.
    GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  git(folder, 'init', '-q', '-b', 'main');
  const commits: DemoCommit[] = [];
  DEMO_HISTORY.forEach((step, i) => {
    const date = new Date(Date.now() - (DEMO_HISTORY.length - i) * 90 * 60_000 - 20 * 60_000).toISOString();
    git(folder, 'add', '--', ...step.paths);
    execFileSync('git', ['commit', '-q', '-m', step.subject], { cwd: folder, env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
    commits.push({ sha: git(folder, 'rev-parse', 'HEAD'), subject: step.subject });
  });
  const untracked = git(folder, 'status', '--porcelain');
  if (untracked) throw new Error(`the demo history leaves files uncommitted:\n${untracked}`);
  git(folder, 'remote', 'add', 'origin', origin);
  git(folder, 'push', '-q', '-u', 'origin', 'main');
  return { folder, commits };
}
