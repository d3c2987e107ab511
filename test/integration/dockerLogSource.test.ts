// DockerLogSource under the shared LogTail against a real Docker engine: containers restarted
// mid-way keep their counter (a file in the container), so every number must show exactly once.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import Docker from 'dockerode';
import { DockerLogSource } from '../../src/core/docker/dockerLogSource';
import { LABELS } from '../../src/core/docker/stackState';
import type { LogEvent } from '../../src/core/logs/dedup';
import { LogTail } from '../../src/core/logs/logTail';
import { ensureDocker, removeProject, TEST_IMAGE } from '../support/docker';

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Counts on from the number saved in /tmp/n; SIGTERM ends the loop only after a whole step.
const COUNTER = 'trap "stop=1" TERM; i=$(cat /tmp/n 2>/dev/null || echo 0); while [ -z "$stop" ]; do i=$((i+1)); echo "line $i"; echo $i > /tmp/n; sleep 0.05; done';

describe('DockerLogSource + LogTail on a real Docker engine', function () {
  this.timeout(180_000);
  const docker = new Docker();
  const project = `aetlogs${process.pid}${Date.now().toString(36)}`;
  const ids: string[] = [];

  before(async () => {
    await ensureDocker();
    for (const number of ['1', '2']) {
      const c = await docker.createContainer({
        Image: TEST_IMAGE,
        Cmd: ['sh', '-c', COUNTER],
        Tty: number === '2',
        Labels: { [LABELS.project]: project, [LABELS.service]: 'counter', [LABELS.number]: number },
      });
      ids.push(c.id);
    }
  });

  after(async () => {
    await removeProject(project);
  });

  it('delivers every line of each container once and in order across docker restart', async () => {
    const events: LogEvent[] = [];
    const notices: string[] = [];
    const since = Date.now() - 1000;
    const tail = new LogTail(new DockerLogSource(docker, project, 'counter'), {
      deliver: (e) => events.push(...e),
      notice: (t) => notices.push(t),
    }, { since, windowMs: 10_000, pollMs: 200 });
    const count = (stream: string) => events.filter((e) => e.stream === stream).length;
    try {
      for (const id of ids) await docker.getContainer(id).start();
      await until('lines from both containers', () => count('counter-1') > 10 && count('counter-2') > 10);
      for (const id of ids) {
        const restarted = spawnSync('docker', ['restart', '-t', '10', id], { encoding: 'utf8', timeout: 60_000 });
        assert.equal(restarted.status, 0, restarted.stderr);
      }
      const after = { 'counter-1': count('counter-1'), 'counter-2': count('counter-2') };
      await until('lines after the restarts', () => count('counter-1') > after['counter-1'] + 20 && count('counter-2') > after['counter-2'] + 20);
      for (const id of ids) await docker.getContainer(id).stop({ t: 10 });
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      tail.stop();
      await tail.done;
    }
    assert.ok(!notices.some((n) => n.startsWith('Stopped')), notices.join('\n'));
    for (const stream of ['counter-1', 'counter-2']) {
      const numbers = events.filter((e) => e.stream === stream).map((e) => Number(/^line (\d+)\r?$/.exec(e.message)?.[1]));
      assert.deepEqual(numbers, numbers.map((_, i) => i + 1), `${stream}: ${numbers.join(',')}`);
      assert.ok(numbers.length > 30, `${stream}: ${numbers.length} lines`);
    }
  });
});
