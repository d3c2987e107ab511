import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { control } from '../../support/fakeAws/server';
import type { SeedRepository } from '../../support/fakeAws/ecr';

const AWS = process.env.AIRFLOW_ECS_TEST_AWS ?? '';
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
type Node = Parameters<ExtensionApi['images']['tree']['getTreeItem']>[0];

let api: ExtensionApi;
let folder: string;
let head: string;
let previous: string;

const git = (...args: string[]) => execFileSync('git', args, { cwd: folder, encoding: 'utf8' }).trim();

async function callCount(operation: string): Promise<number> {
  const { calls } = (await control(AWS, 'fake', 'calls')) as { calls: { operation: string }[] };
  return calls.filter((c) => c.operation === operation).length;
}

async function blobFetches(): Promise<number> {
  return ((await control(AWS, 'ecr', 'blobFetches')) as { count: number }).count;
}

async function children(node?: Node) {
  const tree = api.images.tree;
  return (await tree.getChildren(node)).map((n) => {
    const item = tree.getTreeItem(n);
    return { node: n, item, label: String(item.label), description: String(item.description ?? '') };
  });
}

async function child(node: Node | undefined, label: string | RegExp) {
  const all = await children(node);
  const found = all.find((c) => (typeof label === 'string' ? c.label === label : label.test(c.label)));
  assert.ok(found, `no ${label}: ${all.map((c) => c.label).join(', ')}`);
  return found;
}

/** Waits until the labels of a repository's visible tags have arrived (they load after the list shows). */
async function settled(repo: Node) {
  for (let i = 0; i < 100; i++) {
    const kids = await children(repo);
    if (!kids.some((k) => k.description.includes('labels…'))) return kids;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('labels never arrived');
}

async function seed(repositories: SeedRepository[], deployedTag?: string): Promise<Record<string, string[]>> {
  await control(AWS, 'fake', 'reset');
  const { digests } = (await control(AWS, 'ecr', 'seed', { repositories })) as { digests: Record<string, string[]> };
  if (deployedTag) {
    const index = repositories[0].images.findIndex((i) => i.tags?.includes(deployedTag));
    const image = `${REGISTRY}/${repositories[0].name}:${deployedTag}`;
    await control(AWS, 'ecs', 'seed', { clusters: [{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1, containers: [{ name: 'worker', image, imageDigest: digests[repositories[0].name][index] }] }] }] });
  }
  api.images.tree.refresh();
  return digests;
}

function airflowRepo(): SeedRepository {
  return {
    name: 'airflow',
    images: [
      { tags: ['build-41'], labels: { BUILD_NUMBER: '41', SOURCE_VERSION: previous }, pushedMinutesAgo: 120, scan: 'COMPLETE', findings: [{ name: 'CVE-2024-0001', severity: 'HIGH', packageName: 'openssl', packageVersion: '3.0.1', uri: 'https://nvd.example/CVE-2024-0001' }] },
      { tags: ['build-42', 'latest'], labels: { BUILD_NUMBER: '42', SOURCE_VERSION: head }, pushedMinutesAgo: 5, scan: 'COMPLETE' },
      { tags: ['multi'], kind: 'index', labels: { 'org.opencontainers.image.version': '40', 'org.opencontainers.image.revision': previous }, pushedMinutesAgo: 200 },
      { tags: ['bare'], labels: null, pushedMinutesAgo: 300 },
      { tags: ['ancient'], kind: 'schema1', pushedMinutesAgo: 400 },
      { tags: ['forbidden'], labels: { BUILD_NUMBER: '1' }, blob: 'forbidden', pushedMinutesAgo: 500 },
      { tags: ['foreign'], labels: { BUILD_NUMBER: '2', SOURCE_VERSION: 'f'.repeat(40) }, pushedMinutesAgo: 600 },
      { labels: { BUILD_NUMBER: '39' }, pushedMinutesAgo: 700 },
      { labels: { BUILD_NUMBER: '38' }, pushedMinutesAgo: 800 },
    ],
  };
}

describe('Images view in a real extension host', () => {
  before(async () => {
    assert.ok(AWS, 'AIRFLOW_ECS_TEST_AWS must point at the local AWS endpoint');
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
    folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    head = git('rev-parse', 'HEAD');
    previous = git('rev-parse', 'HEAD~1');
  });

  it('images: lists tags newest first with build number and commit from labels, untagged folded', async () => {
    await seed([airflowRepo(), { name: 'other', images: [] }]);
    assert.deepEqual((await children()).map((c) => c.label), ['airflow', 'other']);
    const repo = await child(undefined, 'airflow');
    const kids = await settled(repo.node);
    assert.deepEqual(kids.map((k) => k.label), ['build-42, latest', 'build-41', 'multi', 'bare', 'ancient', 'forbidden', 'foreign', 'Untagged (4)']);
    const byLabel = (l: string) => kids.find((k) => k.label === l)!;
    assert.match(byLabel('build-42, latest').description, new RegExp(`^#42 · ${head.slice(0, 7)} · .*MB · 5 min ago · scan: clean$`));
    assert.match(byLabel('build-41').description, /scan: 1 HIGH$/);
    assert.match(byLabel('multi').description, new RegExp(`^#40 · ${previous.slice(0, 7)}`), 'multi-arch resolves to linux/amd64 and OCI label names');
    assert.match(byLabel('bare').description, /^no build labels/);
    assert.match(byLabel('ancient').description, /^no labels \(see tooltip\)/);
    assert.match((byLabel('ancient').item.tooltip as vscode.MarkdownString).value, /schema 1/);
    assert.match(byLabel('forbidden').description, /^labels unavailable/);
    assert.match((byLabel('forbidden').item.tooltip as vscode.MarkdownString).value, /HTTP 403/);
    // The index's linux/amd64 child was read with the index: expanding Untagged reads the other three.
    const batches = await callCount('BatchGetImage');
    const untaggedNode = byLabel('Untagged (4)').node;
    await children(untaggedNode);
    for (let i = 0; i < 100 && (await children(untaggedNode)).some((k) => k.description.includes('labels…')); i++) await new Promise((r) => setTimeout(r, 100));
    const untagged = await children(untaggedNode);
    assert.equal(untagged.length, 4);
    assert.equal(await callCount('BatchGetImage') - batches, 3, 'the amd64 child is not fetched again');
    assert.deepEqual(untagged.map((u) => u.description.split(' · ')[0]).filter((d) => d.startsWith('linux/')).sort(), ['linux/amd64', 'linux/arm64']);
  });

  it('images: each row shows its labels as they arrive; a hung config blob holds back only its row', async () => {
    await seed([{ name: 'airflow', images: [
      { tags: ['hung'], labels: { BUILD_NUMBER: '9' }, blob: 'hang', pushedMinutesAgo: 1 },
      ...[1, 2, 3].map((n) => ({ tags: [`build-${n}`], labels: { BUILD_NUMBER: String(n) }, pushedMinutesAgo: 10 + n })),
    ] }]);
    const repo = await child(undefined, 'airflow');
    await children(repo.node);
    let kids = await children(repo.node);
    for (let i = 0; i < 50 && kids.filter((k) => /^#\d/.test(k.description)).length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      kids = await children(repo.node);
    }
    assert.deepEqual(kids.filter((k) => /^#\d/.test(k.description)).map((k) => k.label), ['build-1', 'build-2', 'build-3']);
    assert.match(kids.find((k) => k.label === 'hung')!.description, /^labels…/, 'the hung download is still pending');
  });

  it('images: an expanded Scan findings row reads its findings once per refresh, however often it redraws', async () => {
    await seed([airflowRepo()]);
    const repo = await child(undefined, 'airflow');
    await settled(repo.node);
    const before = await callCount('DescribeImageScanFindings');
    const tag = await child(repo.node, 'build-41');
    const scan = await child(tag.node, 'Scan findings');
    await children(scan.node);
    // A label arrival redraws the image row: VS Code asks for its children and the expanded scan row's again.
    const again = await child(tag.node, 'Scan findings');
    assert.equal(again.node, scan.node);
    await children(again.node);
    assert.equal(await callCount('DescribeImageScanFindings') - before, 1);
    api.images.tree.refresh(repo.node);
    const fresh = await child(await child(repo.node, 'build-41').then((t) => t.node), 'Scan findings');
    await children(fresh.node);
    assert.equal(await callCount('DescribeImageScanFindings') - before, 2);
  });

  it('images: the view title Refresh reloads the whole view although VS Code hands it the focused row', async () => {
    await seed([airflowRepo()]);
    const repo = await child(undefined, 'airflow');
    const tag = await child(repo.node, 'build-42, latest');
    const before = await callCount('DescribeRepositories');
    // What VS Code passes a view/title command: the focused element and the selection.
    await vscode.commands.executeCommand('airflowEcs.images.refresh.title', tag.node, [tag.node]);
    await children();
    assert.equal(await callCount('DescribeRepositories') - before, 1);
    // The row's own Refresh (a repository) reloads that repository only.
    const again = await child(undefined, 'airflow');
    const repos = await callCount('DescribeRepositories');
    const images = await callCount('DescribeImages');
    await vscode.commands.executeCommand('airflowEcs.images.refresh', again.node);
    await children(again.node);
    assert.equal(await callCount('DescribeRepositories'), repos);
    assert.equal(await callCount('DescribeImages') - images, 1);
  });

  it('images: a second expansion reads labels from the cache, with no blob fetch', async () => {
    await seed([airflowRepo()]);
    const repo = await child(undefined, 'airflow');
    await settled(repo.node);
    const fetched = await blobFetches();
    assert.ok(fetched >= 4, `cold expansion fetched ${fetched} config blobs`);
    const batches = await callCount('BatchGetImage');
    // VS Code asks for the rows again on every redraw: the failed lookup (403) waits for Refresh.
    await children(repo.node);
    await children(repo.node);
    assert.equal(await callCount('BatchGetImage'), batches);
    api.images.tree.refresh(repo.node);
    const again = await settled(repo.node);
    assert.match(again[0].description, /^#42/);
    // Only the failed lookups (403) are tried again; every good digest comes from the cache.
    assert.equal(await blobFetches() - fetched, 1);
    assert.equal(await callCount('BatchGetImage') - batches, 1);
  });

  it('images: shows the commit from the workspace repository and opens it', async () => {
    await seed([airflowRepo()]);
    const repo = await child(undefined, 'airflow');
    await settled(repo.node);
    const tag = await child(repo.node, 'build-42, latest');
    const [commit] = await children(tag.node);
    const subject = git('log', '-1', '--format=%s', head);
    assert.equal(commit.label, `${head.slice(0, 7)} ${subject}`);
    assert.match(commit.description, new RegExp(git('log', '-1', '--format=%an', head)));
    await vscode.commands.executeCommand('airflowEcs.images.openCommit', commit.node);
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc);
    assert.equal(doc.languageId, 'diff');
    assert.match(doc.getText(), new RegExp(`^commit ${head}`));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    const foreign = await child(repo.node, 'foreign');
    const [unknown] = await children(foreign.node);
    assert.equal(unknown.description, 'not in this clone: fetch?');
    assert.equal(unknown.item.contextValue, 'airflowEcs.commit.unknown');
  });

  it('images: a branch name as SOURCE_VERSION resolves to its commit in the clone', async () => {
    // The checked-out branch (`HEAD` itself, also a ref, when CI checks out a detached commit).
    const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
    await seed([{ name: 'airflow', images: [{ tags: ['from-branch'], labels: { BUILD_NUMBER: '50', SOURCE_VERSION: branch } }] }]);
    const repo = await child(undefined, 'airflow');
    await settled(repo.node);
    const tag = await child(repo.node, 'from-branch');
    const [commit] = await children(tag.node);
    assert.equal(commit.label, `${head.slice(0, 7)} ${git('log', '-1', '--format=%s', head)}`);
    assert.equal(commit.item.contextValue, 'airflowEcs.commit.known');
  });

  it('images: lists scan findings with package, version and advisory link', async () => {
    await seed([airflowRepo()]);
    const repo = await child(undefined, 'airflow');
    const tag = await child(repo.node, 'build-41');
    const scan = await child(tag.node, 'Scan findings');
    const [finding] = await children(scan.node);
    assert.equal(finding.label, 'CVE-2024-0001');
    assert.equal(finding.description, 'HIGH · openssl 3.0.1');
    assert.equal(String((finding.item.command?.arguments?.[0] as vscode.Uri).toString()), 'https://nvd.example/CVE-2024-0001');
    const bare = await child(repo.node, 'bare');
    const notScanned = await child(bare.node, 'Scan findings');
    assert.equal(notScanned.description, 'not scanned');
  });

  it('images: marks the deployed tag, answers "is my HEAD deployed?" and labels the task in Clusters', async () => {
    await seed([airflowRepo()], 'build-41');
    await vscode.commands.executeCommand('airflowEcs.images.refresh');
    // HEAD~1 is one commit back on a straight history, more after a merge: ask git, as the extension does.
    const behind = Number(git('rev-list', '--count', `${previous}..HEAD`));
    assert.equal(api.images.statusBar.status?.text, `deployed: ${previous.slice(0, 7)} (${behind} commit${behind === 1 ? '' : 's'} behind HEAD)`);
    const repo = await child(undefined, 'airflow');
    const kids = await settled(repo.node);
    assert.match(kids.find((k) => k.label === 'build-41')!.description, /▶ airflow-prod\/worker/);
    assert.equal(kids.find((k) => k.label === 'build-41')!.item.contextValue, 'airflowEcs.image.tagged.deployed.commit');

    const clusters = api.clusterTree;
    const [cluster] = await clusters.getChildren();
    const [worker] = await clusters.getChildren(cluster);
    const [task] = await clusters.getChildren(worker);
    const [container] = await clusters.getChildren(task);
    assert.match(String(clusters.getTreeItem(container).description), new RegExp(`airflow:build-41 · #41 · ${previous.slice(0, 7)}$`));

    await seed([airflowRepo()], 'build-42');
    await vscode.commands.executeCommand('airflowEcs.images.refresh');
    assert.equal(api.images.statusBar.status?.text, `HEAD ${head.slice(0, 7)} deployed to airflow-prod/worker`);
  });

  it('images: AccessDenied on one repository becomes an error node, the others still render', async () => {
    await seed([airflowRepo(), { name: 'other', images: [{ tags: ['x'], labels: { BUILD_NUMBER: '7' } }] }]);
    await control(AWS, 'fake', 'fault', { operation: 'DescribeImages', kind: 'accessDenied', count: 1 });
    const [airflow, other] = await children();
    const [error] = await children(airflow.node);
    assert.match(error.label, /not allowed to call ecr:DescribeImages/);
    assert.equal(error.item.contextValue, 'airflowEcs.error');
    const ok = await settled(other.node);
    assert.match(ok[0].description, /^#7/);
  });
});
