// The workspace of the host and UI runs about what a workspace's own files may make the extension do:
// a copy of sample-dags/ whose sonar-project.properties names the Sonar host, with a compose
// file and a git repository, and spy executables that record every git/docker/compose start.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './codeServer';
import { TEST_IMAGE } from './docker';

export interface WorkspaceFilesFixture {
  folder: string;
  /** PATH with the spies first. */
  path: string;
  /** One line per spied start: `<tool> <args>`. */
  spawnLog: string;
  /** Empties the spawn log, so each run sees only its own starts. */
  clearSpawnLog(): void;
  dispose(): void;
}

export function workspaceFilesFixture(sonarUrl: string): WorkspaceFilesFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-workspace-files-'));
  const folder = path.join(dir, 'dags-repo');
  fs.cpSync(path.join(repoRoot, 'sample-dags'), folder, { recursive: true });
  const properties = path.join(folder, 'sonar-project.properties');
  fs.writeFileSync(properties, fs.readFileSync(properties, 'utf8').replace(/^sonar\.host\.url=.*$/m, `sonar.host.url=${sonarUrl}`));
  fs.writeFileSync(path.join(folder, 'docker-compose.yml'), `services:\n  worker:\n    image: ${TEST_IMAGE}\n    command: ["sleep", "600"]\n`);
  fs.writeFileSync(path.join(folder, '.env'), `COMPOSE_PROJECT_NAME=aets-workspace-files-${process.pid}\n`);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: folder, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'sample DAGs');

  const bin = path.join(dir, 'spy-bin');
  const spawnLog = path.join(dir, 'spawn.log');
  fs.mkdirSync(bin);
  fs.writeFileSync(spawnLog, '');
  const realPath = process.env.PATH ?? '';
  for (const tool of ['git', 'docker', 'docker-compose', 'podman']) {
    const real = realPath.split(':').map((d) => path.join(d, tool)).find((f) => fs.existsSync(f));
    if (!real) continue;
    fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> '${spawnLog}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  }
  return {
    folder, path: `${bin}:${realPath}`, spawnLog,
    clearSpawnLog: () => fs.writeFileSync(spawnLog, ''),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
