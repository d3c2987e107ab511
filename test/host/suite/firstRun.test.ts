import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { TailSession } from '../../../src/platform/tailSessions';
import { control } from '../../support/fakeAws/server';

const AWS = process.env.AIRFLOW_ECS_TEST_AWS ?? '';
const RAW = /Unexpected token|Deserialization|\$response|is not valid JSON/;
const cfg = () => vscode.workspace.getConfiguration('airflowEcs');

let api: ExtensionApi;
let pkg: { contributes: { viewsWelcome: { view: string; when?: string; contents: string }[]; walkthroughs: { steps: { description: string }[] }[] } };

/** Settings changes reach the session through an event: wait for the label to say `expected`. */
async function labelBecomes(expected: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await api.session.label() === expected) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(await api.session.label(), expected);
}

/** Command ids of a welcome text's buttons. */
function buttons(contents: string): string[] {
  return [...contents.matchAll(/\]\(command:([A-Za-z0-9_.-]+)/g)].map((m) => m[1]);
}

function welcome(view: string, when: string): string[] {
  const entries = pkg.contributes.viewsWelcome.filter((w) => w.view === view && w.when?.startsWith(when));
  assert.ok(entries.length, `${view} has welcome content for ${when}`);
  return entries.flatMap((w) => buttons(w.contents));
}

/** Runs `action` while showQuickPick answers with the item `choose` picks; returns the items offered. */
async function picking(choose: (items: vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined, action: () => Thenable<unknown>): Promise<vscode.QuickPickItem[]> {
  const original = vscode.window.showQuickPick;
  let offered: vscode.QuickPickItem[] = [];
  (vscode.window as { showQuickPick: unknown }).showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
    offered = [...(await items)];
    return choose(offered);
  };
  try {
    await action();
  } finally {
    (vscode.window as { showQuickPick: unknown }).showQuickPick = original;
  }
  return offered;
}

describe('First run: credentials, welcome content and unreadable answers in a real extension host', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!;
    api = await ext.activate();
    pkg = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'package.json'), 'utf8'));
    await control(AWS, 'fake', 'reset');
    await control(AWS, 'ecs', 'seed', { clusters: [{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }] });
  });
  afterEach(async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await cfg().update('aws.profile', 'test', vscode.ConfigurationTarget.Global);
    await cfg().update('aws.region', 'us-east-1', vscode.ConfigurationTarget.Global);
    await control(AWS, 'fake', 'reset');
  });

  it('says where credentials come from: the chosen profile, else the provider of the default chain', async () => {
    await labelBecomes('test @ us-east-1');
    await cfg().update('aws.profile', undefined, vscode.ConfigurationTarget.Global);
    await labelBecomes('default chain @ us-east-1');
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    await labelBecomes('env @ us-east-1');
    const conn = await api.session.connection();
    assert.equal(conn.profile, undefined, 'the SDK chain is not narrowed to a profile');
    await control(AWS, 'ecs', 'seed', { clusters: [{ name: 'airflow-prod', services: [] }] });
    api.clusterTree.refresh();
    const roots = await api.clusterTree.getChildren();
    assert.deepEqual(roots.map((r) => api.clusterTree.getTreeItem(r).label), ['airflow-prod'], 'environment credentials list the clusters');
  });

  it('keeps the endpoint from the Remote (machine) settings across a profile and a region change', async () => {
    assert.equal((await api.session.connection()).endpoint, AWS);
    await cfg().update('aws.profile', 'sso-user', vscode.ConfigurationTarget.Global);
    await labelBecomes('sso-user @ us-east-1');
    assert.equal((await api.session.connection()).endpoint, AWS);
    await cfg().update('aws.profile', 'test', vscode.ConfigurationTarget.Global);
    await cfg().update('aws.region', 'eu-west-1', vscode.ConfigurationTarget.Global);
    await labelBecomes('test @ eu-west-1');
    assert.equal((await api.session.connection()).endpoint, AWS);
    assert.equal(cfg().inspect('aws.endpointUrl')?.workspaceValue, undefined);
  });

  it('offers the default credential chain first in Select AWS Profile, and goes back to it', async () => {
    const offered = await picking((items) => items[0], () => vscode.commands.executeCommand('airflowEcs.selectProfile'));
    assert.equal(offered[0].label, 'Default credential chain');
    assert.deepEqual(offered.slice(1).map((i) => i.label), ['sso-user', 'test']);
    assert.equal(cfg().inspect('aws.profile')?.globalValue, undefined, 'choosing the chain removes the profile setting');
    await labelBecomes('default chain @ us-east-1');
  });

  it('welcome content of every AWS view carries the buttons that fix its state, and they exist', async () => {
    const all = new Set(await vscode.commands.getCommands(false));
    for (const w of pkg.contributes.viewsWelcome) for (const id of buttons(w.contents)) assert.ok(all.has(id), `${w.view} (${w.when}) links ${id}, which is not a command`);
    for (const step of pkg.contributes.walkthroughs[0].steps) for (const id of buttons(step.description)) assert.ok(all.has(id), `walkthrough links ${id}`);
    for (const view of ['airflowEcs.clusters', 'airflowEcs.images', 'airflowEcs.pipelines']) {
      const key = `${view}.state ==`;
      assert.ok(welcome(view, `${key} noRegion`).includes('airflowEcs.selectRegion'));
      assert.ok(welcome(view, `${key} noCredentials`).includes('airflowEcs.selectProfile'));
      assert.ok(welcome(view, `${key} noCredentials`).includes('airflowEcs.useDefaultCredentials'));
      assert.ok(welcome(view, `${key} unknownProfile`).includes('airflowEcs.useDefaultCredentials'));
      for (const state of ['invalidEndpoint', 'network', 'badResponse']) assert.ok(welcome(view, `${key} ${state}`).includes('airflowEcs.openEndpointSettings'), `${view} ${state}`);
    }
    assert.deepEqual(welcome('airflowEcs.localStack', 'airflowEcs.localStack.state == noComposeFile').slice(0, 2), ['airflowEcs.initializeProject', 'airflowEcs.localStack.selectComposeFile']);
  });

  it('no region: the view empties for its welcome content, and Select Region fixes it', async () => {
    await cfg().update('aws.profile', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('aws.region', undefined, vscode.ConfigurationTarget.Global);
    await labelBecomes('default chain · no region');
    assert.deepEqual(await api.clusterTree.getChildren(), [], 'no error row');
    await picking((items) => items.find((i) => i.label === 'eu-west-1'), () => vscode.commands.executeCommand('airflowEcs.selectRegion'));
    assert.equal(cfg().get('aws.region'), 'eu-west-1');
    await labelBecomes('default chain @ eu-west-1');
  });

  it('unknown profile: Use Default Credential Chain removes it', async () => {
    await cfg().update('aws.profile', 'does-not-exist', vscode.ConfigurationTarget.Global);
    assert.deepEqual(await api.clusterTree.getChildren(), []);
    await vscode.commands.executeCommand('airflowEcs.useDefaultCredentials');
    assert.equal(cfg().inspect('aws.profile')?.globalValue, undefined);
  });

  it('Open Settings of the endpoint opens the Remote settings in this remote window', async () => {
    assert.ok(vscode.env.remoteName, 'code-server is a remote window');
    const original = vscode.commands.executeCommand;
    const seen: unknown[][] = [];
    (vscode.commands as { executeCommand: unknown }).executeCommand = (id: string, ...args: unknown[]) => {
      seen.push([id, ...args]);
      return original(id, ...args);
    };
    try {
      await vscode.commands.executeCommand('airflowEcs.openEndpointSettings');
    } finally {
      (vscode.commands as { executeCommand: unknown }).executeCommand = original;
    }
    assert.deepEqual(seen.find((c) => String(c[0]).startsWith('workbench.action.open')), ['workbench.action.openRemoteSettings', { query: 'airflowEcs.aws.endpointUrl' }]);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('an endpoint that answers HTML: welcome content for the view, a sentence on the image tag', async () => {
    await control(AWS, 'fake', 'fault', { operation: 'ListClusters', kind: 'html', status: 200, count: 5 });
    api.clusterTree.refresh();
    assert.deepEqual(await api.clusterTree.getChildren(), [], 'no raw error row');

    await control(AWS, 'ecr', 'seed', { repositories: [{ name: 'airflow-html', images: [{ tags: ['build-9'], labels: { BUILD_NUMBER: '9' }, pushedMinutesAgo: 1 }] }] });
    await control(AWS, 'fake', 'fault', { operation: 'BatchGetImage', kind: 'html', status: 502, count: 100 });
    const tree = api.images.tree;
    tree.refresh();
    const repo = (await tree.getChildren()).find((n) => tree.getTreeItem(n).label === 'airflow-html');
    assert.ok(repo);
    let tooltip = '';
    for (let i = 0; i < 100 && !tooltip.includes('Could not read the labels'); i++) {
      const [image] = await tree.getChildren(repo);
      tooltip = (tree.getTreeItem(image).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(tooltip, new RegExp(`The endpoint ${AWS.replace(/[.:/]/g, '\\$&')} answered ecr:BatchGetImage with an HTML page \\(HTTP 502\\), not an AWS response: check the endpoint URL setting`));
    assert.doesNotMatch(tooltip, RAW);
  });

  it('a log tail against an endpoint that answers HTML says so in its channel, in words', async () => {
    await control(AWS, 'ecs', 'seed', { clusters: [{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }] });
    for (const operation of ['FilterLogEvents', 'DescribeLogGroups', 'StartLiveTail']) await control(AWS, 'fake', 'fault', { operation, kind: 'html', status: 200, count: 1000 });
    api.clusterTree.refresh();
    const [cluster] = await api.clusterTree.getChildren();
    const worker = (await api.clusterTree.getChildren(cluster)).find((n) => api.clusterTree.getTreeItem(n).label === 'worker');
    const session = (await vscode.commands.executeCommand('airflowEcs.logs.tail', worker)) as TailSession;
    try {
      for (let i = 0; i < 200 && !session.lines.some((l) => l.includes('not an AWS response')); i++) await new Promise((r) => setTimeout(r, 50));
      const said = session.lines.find((l) => l.includes('not an AWS response'));
      assert.ok(said, `the channel says what came back: ${session.lines.join(' | ')}`);
      assert.match(said, /answered logs:(FilterLogEvents|DescribeLogGroups|StartLiveTail) with an HTML page \(HTTP 200\)/);
      for (const line of session.lines) assert.doesNotMatch(line, RAW);
    } finally {
      await vscode.commands.executeCommand('airflowEcs.logs.stopAll');
    }
  });

  it('two pipeline settings naming one project show it once, with both roles', async () => {
    await control(AWS, 'codebuild', 'seed', { projects: [{ name: 'airflow-all', phaseMs: 150 }] });
    await cfg().update('pipeline.dagProject', 'airflow-all', vscode.ConfigurationTarget.Global);
    await cfg().update('pipeline.imageProject', 'airflow-all', vscode.ConfigurationTarget.Global);
    try {
      const roots = await api.pipeline.tree.getChildren();
      assert.equal(roots.length, 1);
      const item = api.pipeline.tree.getTreeItem(roots[0]);
      assert.equal(item.label, 'DAG and image pipeline');
      assert.equal(item.contextValue, 'airflowEcs.pipeline.dag.image');
    } finally {
      await cfg().update('pipeline.dagProject', undefined, vscode.ConfigurationTarget.Global);
      await cfg().update('pipeline.imageProject', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
