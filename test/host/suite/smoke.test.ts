import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('extension host smoke', () => {
  it('runs in VS Code 1.100.3 and activates the extension', async () => {
    assert.equal(vscode.version, '1.100.3');
    const ext = vscode.extensions.getExtension('airflow-ecs.airflow-on-ecs');
    assert.ok(ext, 'extension airflow-ecs.airflow-on-ecs is not loaded');
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});
