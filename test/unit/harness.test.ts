import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFiles } from '../support/files';
import { formatHostResult, parseHostResult } from '../support/hostResult';
import { payloadUrl } from '../support/workbench';

describe('test harness: payloadUrl', () => {
  it('opens the folder and passes development and test paths as vscode-remote URIs', () => {
    const url = new URL(payloadUrl('http://127.0.0.1:4321/', 4321, {
      folder: '/work/repo/sample-dags',
      extensionDevelopmentPath: '/work/repo',
      extensionTestsPath: '/work/repo/out/test/host/index.js',
    }));
    assert.equal(url.origin, 'http://127.0.0.1:4321');
    assert.equal(url.pathname, '/');
    assert.equal(url.searchParams.get('folder'), '/work/repo/sample-dags');
    assert.deepEqual(JSON.parse(url.searchParams.get('payload')!), [
      ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:4321/work/repo'],
      ['extensionTestsPath', 'vscode-remote://127.0.0.1:4321/work/repo/out/test/host/index.js'],
      ['skipWelcome', 'true'],
    ]);
  });

  it('leaves out the paths it is not given and resolves relative folders', () => {
    const url = new URL(payloadUrl('http://127.0.0.1:80', 80, { folder: 'sample-dags' }));
    assert.equal(url.searchParams.get('folder'), path.resolve('sample-dags'));
    assert.deepEqual(JSON.parse(url.searchParams.get('payload')!), [['skipWelcome', 'true']]);
  });
});

describe('test harness: HOST-RESULT lines', () => {
  it('round-trips the counts', () => {
    const line = formatHostResult({ passed: 3, failed: 1 });
    assert.equal(line, 'HOST-RESULT {"passed":3,"failed":1}');
    assert.deepEqual(parseHostResult(line), { passed: 3, failed: 1 });
  });

  it('ignores other lines and rejects malformed counts', () => {
    assert.equal(parseHostResult('  1 passing (20ms)'), undefined);
    assert.throws(() => parseHostResult('HOST-RESULT {"passed":"3"}'), /malformed/);
  });
});

describe('test harness: findFiles', () => {
  it('finds matching files recursively, sorted, and nothing in a missing folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'find-files-'));
    try {
      fs.mkdirSync(path.join(dir, 'b', 'c'), { recursive: true });
      for (const name of ['z.test.js', 'a.js', 'b/c/y.test.js', 'b/x.test.js.map']) {
        fs.writeFileSync(path.join(dir, name), '');
      }
      assert.deepEqual(findFiles(dir, '.test.js'), [path.join(dir, 'b/c/y.test.js'), path.join(dir, 'z.test.js')]);
      assert.deepEqual(findFiles(path.join(dir, 'missing'), '.test.js'), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
