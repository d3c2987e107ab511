import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCodeServer } from '../support/codeServer';
import { runHostSuite } from '../support/hostRunner';

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe('test harness: startCodeServer', () => {
  it('answers /healthz, writes User and Machine settings, and is gone after stop()', async () => {
    const workspace = tempDir('cs-workspace-');
    const server = await startCodeServer({
      workspace,
      userSettings: { 'editor.fontSize': 15 },
      machineSettings: { 'airflowEcs.aws.endpointUrl': 'http://127.0.0.1:1' },
    });
    try {
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.ok(['alive', 'expired'].includes((await health.json()).status));
      const read = (scope: string): unknown => JSON.parse(fs.readFileSync(path.join(server.dir, 'ud', scope, 'settings.json'), 'utf8'));
      assert.deepEqual(read('User'), { 'editor.fontSize': 15 });
      assert.deepEqual(read('Machine'), { 'workbench.welcomePage.walkthroughs.openOnInstall': false, 'airflowEcs.aws.endpointUrl': 'http://127.0.0.1:1' });
    } finally {
      await server.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
    }
    await assert.rejects(fetch(`${server.url}/healthz`));
    assert.equal(fs.existsSync(server.dir), false);
  });
});

// A throwaway extension with a machine-scoped and a window-scoped setting, and a suite index
// that does what PROBE_MODE says: report the settings it sees, throw, or never finish.
function writeProbe(dir: string): void {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'probe', publisher: 'test', version: '0.0.1', engines: { vscode: '^1.100.0' },
    contributes: {
      configuration: {
        properties: {
          'probe.machineValue': { type: 'string', default: 'default', scope: 'machine' },
          'probe.windowValue': { type: 'string', default: 'default', scope: 'window' },
        },
      },
    },
  }));
  fs.writeFileSync(path.join(dir, 'index.js'), `
const fs = require('fs');
const vscode = require('vscode');
exports.run = async () => {
  const mode = process.env.PROBE_MODE;
  if (mode === 'throw') throw new Error('probe suite failed');
  if (mode === 'hang') return new Promise(() => {});
  const config = vscode.workspace.getConfiguration('probe');
  fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify({ machine: config.get('machineValue'), window: config.get('windowValue') }));
  console.log('HOST-RESULT {"passed":1,"failed":0}');
};
`);
}

describe('test harness: runHostSuite', () => {
  let probe: string;

  before(() => {
    probe = tempDir('host-probe-');
    writeProbe(probe);
  });

  after(() => fs.rmSync(probe, { recursive: true, force: true }));

  async function settingsSeen(userSettings: object, machineSettings: object): Promise<{ machine: string; window: string }> {
    const out = path.join(probe, 'seen.json');
    fs.rmSync(out, { force: true });
    const result = await runHostSuite({
      workspace: probe, suiteIndexPath: path.join(probe, 'index.js'), extensionDevelopmentPath: probe,
      userSettings, machineSettings, env: { PROBE_MODE: 'report', PROBE_OUT: out }, timeoutMs: 90_000,
    });
    assert.deepEqual(result, { passed: 1, failed: 0, exitCode: 0 });
    return JSON.parse(fs.readFileSync(out, 'utf8'));
  }

  it('applies Machine/settings.json to machine- and window-scoped settings', async () => {
    assert.deepEqual(await settingsSeen({}, { 'probe.machineValue': 'machine', 'probe.windowValue': 'machine' }), { machine: 'machine', window: 'machine' });
  });

  it('applies User/settings.json too, but Machine/settings.json wins for the same key', async () => {
    const user = { 'probe.machineValue': 'user', 'probe.windowValue': 'user' };
    assert.deepEqual(await settingsSeen(user, {}), { machine: 'user', window: 'user' });
    assert.deepEqual(await settingsSeen(user, { 'probe.machineValue': 'machine' }), { machine: 'machine', window: 'user' });
  });

  it('reports a failure when the suite throws', async () => {
    const result = await runHostSuite({
      workspace: probe, suiteIndexPath: path.join(probe, 'index.js'), extensionDevelopmentPath: probe,
      env: { PROBE_MODE: 'throw' }, timeoutMs: 90_000,
    });
    assert.deepEqual(result, { passed: 0, failed: 1, exitCode: 1 });
  });

  it('fails a suite that never reports once the timeout passes', async () => {
    const started = Date.now();
    const result = await runHostSuite({
      workspace: probe, suiteIndexPath: path.join(probe, 'index.js'), extensionDevelopmentPath: probe,
      env: { PROBE_MODE: 'hang' }, timeoutMs: 15_000,
    });
    assert.deepEqual(result, { passed: 0, failed: 1, exitCode: 1 });
    assert.ok(Date.now() - started >= 15_000);
  });
});
