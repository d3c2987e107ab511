import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

type Result = { written: string[]; unchanged: string[]; skipped: string[] };

/** Answers quick picks with a chooser and input boxes from a list, as a person would. */
function answerPrompts(inputs: string[], choose: (items: vscode.QuickPickItem[], call: number) => vscode.QuickPickItem[]) {
  const win = vscode.window as unknown as Record<string, unknown>;
  const original = { showQuickPick: win.showQuickPick, showInputBox: win.showInputBox };
  const seen: { picks: vscode.QuickPickItem[][]; inputs: vscode.InputBoxOptions[] } = { picks: [], inputs: [] };
  win.showQuickPick = async (items: vscode.QuickPickItem[]) => {
    const list = await items;
    seen.picks.push(list);
    return choose(list, seen.picks.length);
  };
  win.showInputBox = async (options: vscode.InputBoxOptions) => {
    seen.inputs.push(options);
    return inputs.shift();
  };
  return { seen, restore: () => Object.assign(win, original) };
}

describe('Initialize Airflow Project in a real extension host', () => {
  let target: string;

  before(() => {
    target = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-scaffold-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(target, { recursive: true, force: true });
  });

  it('copies every part with the names given and opens a README', async () => {
    const prompts = answerPrompts(['orders-etl', 'eu-west-2', 'orders-airflow'], (items) => items.filter((i) => i.picked));
    let result: Result;
    try {
      result = await vscode.commands.executeCommand<Result>('airflowEcs.initializeProject', vscode.Uri.file(target));
    } finally {
      prompts.restore();
    }
    assert.equal(prompts.seen.picks[0].length, 6, 'offers the six parts');
    assert.match(String(await prompts.seen.inputs[0].validateInput!('Bad Name')), /lowercase letters/);
    assert.ok(result.written.includes('dags/etl_taskflow.py'));
    assert.ok(result.written.includes('infra/cloudformation/airflow-ecs.yaml'));
    assert.deepEqual(result.skipped, []);
    const template = fs.readFileSync(path.join(target, 'infra/cloudformation/airflow-ecs.yaml'), 'utf8');
    assert.match(template, /orders-etl/);
    assert.match(template, /orders-airflow/);
    assert.doesNotMatch(template, /airflow-ecs-image/);
    assert.match(fs.readFileSync(path.join(target, 'sonar-project.properties'), 'utf8'), /orders-etl/);
  });

  it('never overwrites a changed file unless it is ticked', async () => {
    const edited = path.join(target, 'dags/etl_taskflow.py');
    fs.writeFileSync(edited, '# my own DAG\n');
    const keep = answerPrompts(['orders-etl', 'eu-west-2', 'orders-airflow'], (items, call) => (call === 1 ? items.filter((i) => i.picked) : []));
    let result: Result;
    try {
      result = await vscode.commands.executeCommand<Result>('airflowEcs.initializeProject', vscode.Uri.file(target));
    } finally {
      keep.restore();
    }
    assert.deepEqual(keep.seen.picks[1].map((i) => i.label), ['dags/etl_taskflow.py'], 'asks about exactly the changed file');
    assert.deepEqual(result.skipped, ['dags/etl_taskflow.py']);
    assert.equal(result.written.length, 0);
    assert.equal(fs.readFileSync(edited, 'utf8'), '# my own DAG\n');

    const replace = answerPrompts(['orders-etl', 'eu-west-2', 'orders-airflow'], (items) => items.filter((i) => i.picked !== false));
    try {
      result = await vscode.commands.executeCommand<Result>('airflowEcs.initializeProject', vscode.Uri.file(target));
    } finally {
      replace.restore();
    }
    assert.deepEqual(result.written, ['dags/etl_taskflow.py']);
    assert.notEqual(fs.readFileSync(edited, 'utf8'), '# my own DAG\n');
  });

  it('writes nothing when the part picker is dismissed', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-scaffold-none-'));
    const prompts = answerPrompts([], () => undefined as unknown as vscode.QuickPickItem[]);
    try {
      await vscode.commands.executeCommand('airflowEcs.initializeProject', vscode.Uri.file(empty));
    } finally {
      prompts.restore();
      assert.deepEqual(fs.readdirSync(empty), []);
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
