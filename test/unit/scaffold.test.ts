import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  SCAFFOLD_PARTS, TEMPLATE_DEFAULTS, applyScaffold, planScaffold, substitute,
  validateProjectName, validateRegion, validateRepositoryName, validateScaffoldValues,
  type ScaffoldValues,
} from '../../src/core/scaffold/scaffold';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const values: ScaffoldValues = { projectName: 'orders-etl', region: 'eu-west-2', repositoryName: 'orders-airflow' };

async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

async function write(root: string, rel: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await fs.writeFile(path.join(root, rel), content);
}

/** A small fake extension with the same layout as the real one. */
async function fakeExtension(): Promise<string> {
  const root = await tempDir('scaffold-ext-');
  await write(root, 'sample-dags/dags/etl.py', 'dag_id = "etl"\n');
  await write(root, 'sample-dags/dags/__pycache__/etl.cpython-311.pyc', 'binary');
  await write(root, 'sample-dags/tests/test_etl.py', 'import unittest\n');
  await write(root, 'sample-dags/sonar-project.properties', 'sonar.projectKey=airflow-ecs_dags\nsonar.organization=airflow-ecs\n');
  await write(root, 'infra-templates/compose/docker-compose.yml', 'image: airflow-ecs-image:local\nregion: us-east-1\n');
  await write(root, 'infra-templates/cloudformation/airflow-ecs.yaml',
    '# aws cloudformation deploy --stack-name airflow-ecs --region us-east-1\nDefault: airflow-ecs\nRepo: airflow-ecs-image\n');
  for (const id of ['docker', 'codebuild', 'scripts']) await write(root, `infra-templates/${id}/README.md`, `# ${id}\n`);
  return root;
}

describe('scaffold', () => {
  let ext: string;
  let target: string;
  beforeEach(async () => {
    ext = await fakeExtension();
    target = await tempDir('scaffold-target-');
  });
  afterEach(async () => {
    await fs.rm(ext, { recursive: true, force: true });
    await fs.rm(target, { recursive: true, force: true });
  });

  describe('parts', () => {
    it('every part has a unique id, a label and a description', () => {
      const ids = SCAFFOLD_PARTS.map((p) => p.id);
      assert.deepEqual([...new Set(ids)].sort(), ['cloudformation', 'codebuild', 'compose', 'dags', 'docker', 'scripts']);
      for (const part of SCAFFOLD_PARTS) {
        assert.ok(part.label.length > 3 && part.description.length > 10, part.id);
      }
    });

    it('every part points at files that exist in the extension', async () => {
      for (const part of SCAFFOLD_PARTS) {
        for (const source of part.sources) await fs.access(path.join(repoRoot, source.from));
      }
    });
  });

  describe('substitute', () => {
    it('replaces the defaults as whole names, longest first, in one pass', () => {
      const text = [
        'stack: airflow-ecs', 'worker: airflow-ecs-worker', 'key: airflow-ecs_dags', 'repo: airflow-ecs-image:local',
        'group: /ecs/airflow-ecs', 'arn: arn:aws:secretsmanager:us-east-1:1:secret:airflow-ecs/x',
        'image: apache/airflow:2.10.5', 'other: my-airflow-ecs', 'region2: us-east-10',
      ].join('\n');
      assert.equal(substitute(text, values), [
        'stack: orders-etl', 'worker: orders-etl-worker', 'key: orders-etl_dags', 'repo: orders-airflow:local',
        'group: /ecs/orders-etl', 'arn: arn:aws:secretsmanager:eu-west-2:1:secret:orders-etl/x',
        'image: apache/airflow:2.10.5', 'other: my-airflow-ecs', 'region2: us-east-10',
      ].join('\n'));
    });

    it('does not replace inside a value that contains a default', () => {
      const v = { projectName: 'airflow-ecs-prod', region: 'us-east-1', repositoryName: 'airflow-ecs' };
      assert.equal(substitute('a: airflow-ecs\nb: airflow-ecs-image\n', v), 'a: airflow-ecs-prod\nb: airflow-ecs\n');
    });

    it('is the identity with the template defaults', () => {
      const text = 'airflow-ecs airflow-ecs-image us-east-1';
      assert.equal(substitute(text, TEMPLATE_DEFAULTS), text);
    });
  });

  describe('validation', () => {
    it('accepts good names', () => {
      assert.equal(validateProjectName('orders-etl'), undefined);
      assert.equal(validateRepositoryName('airflow'), undefined);
      assert.equal(validateRegion('eu-west-2'), undefined);
      assert.equal(validateRegion('us-gov-west-1'), undefined);
      assert.equal(validateScaffoldValues(values), undefined);
    });

    it('rejects bad names with a sentence for the user', () => {
      for (const bad of ['Orders', 'ab', '1orders', 'orders-', 'orders_etl', 'or--ders', 'a'.repeat(33), '']) {
        assert.match(validateProjectName(bad) ?? '', /^The project name must .*\.$/, bad);
      }
      for (const bad of ['Airflow', '-airflow', 'airflow-', 'air flow', 'a', 'air/flow']) {
        assert.match(validateRepositoryName(bad) ?? '', /^The repository name must .*\.$/, bad);
      }
      for (const bad of ['us-east', 'US-EAST-1', 'useast1', 'us-east-12', 'eu-west-2 ']) {
        assert.match(validateRegion(bad) ?? '', /is not an AWS region code/, bad);
      }
      assert.match(validateScaffoldValues({ ...values, region: 'mars-1' }) ?? '', /mars-1/);
    });
  });

  describe('planScaffold', () => {
    it('lists each file with its target, substituted content and no conflicts in an empty folder', async () => {
      const plan = await planScaffold({ extensionRoot: ext, targetRoot: target, parts: ['dags', 'cloudformation'], values });
      assert.deepEqual(plan.files.map((f) => f.relativeTarget), [
        'dags/etl.py', 'tests/test_etl.py', 'sonar-project.properties', 'infra/cloudformation/airflow-ecs.yaml',
      ]);
      const cfn = plan.files.find((f) => f.relativeTarget === 'infra/cloudformation/airflow-ecs.yaml');
      assert.equal(cfn?.target, path.join(target, 'infra', 'cloudformation', 'airflow-ecs.yaml'));
      assert.equal(cfn?.content, '# aws cloudformation deploy --stack-name orders-etl --region eu-west-2\nDefault: orders-etl\nRepo: orders-airflow\n');
      assert.equal(plan.files.find((f) => f.relativeTarget === 'sonar-project.properties')?.content,
        'sonar.projectKey=orders-etl_dags\nsonar.organization=orders-etl\n');
      assert.ok(plan.files.every((f) => !f.exists && !f.identical));
    });

    it('skips caches and only includes the chosen parts', async () => {
      const plan = await planScaffold({ extensionRoot: ext, targetRoot: target, parts: ['compose'], values });
      assert.deepEqual(plan.files.map((f) => f.relativeTarget), ['infra/compose/docker-compose.yml']);
      const dags = await planScaffold({ extensionRoot: ext, targetRoot: target, parts: ['dags'], values });
      assert.ok(!dags.files.some((f) => f.relativeTarget.includes('__pycache__')));
    });

    it('detects existing files and whether they are identical', async () => {
      await write(target, 'dags/etl.py', 'dag_id = "etl"\n');
      await write(target, 'tests/test_etl.py', '# my own tests\n');
      const plan = await planScaffold({ extensionRoot: ext, targetRoot: target, parts: ['dags'], values });
      const byPath = Object.fromEntries(plan.files.map((f) => [f.relativeTarget, f]));
      assert.deepEqual([byPath['dags/etl.py'].exists, byPath['dags/etl.py'].identical], [true, true]);
      assert.deepEqual([byPath['tests/test_etl.py'].exists, byPath['tests/test_etl.py'].identical], [true, false]);
      assert.deepEqual([byPath['sonar-project.properties'].exists, byPath['sonar-project.properties'].identical], [false, false]);
    });

    it('refuses invalid values and unknown parts', async () => {
      await assert.rejects(planScaffold({ extensionRoot: ext, targetRoot: target, parts: ['dags'], values: { ...values, projectName: 'Bad Name' } }), /project name/);
      await assert.rejects(planScaffold({ extensionRoot: ext, targetRoot: target, parts: ['nope' as never], values }), /Unknown scaffold part/);
    });

    it('plans the real templates with no default name left', async () => {
      const plan = await planScaffold({ extensionRoot: repoRoot, targetRoot: target, parts: SCAFFOLD_PARTS.map((p) => p.id), values });
      assert.ok(plan.files.length > 20, String(plan.files.length));
      const cfn = plan.files.find((f) => f.relativeTarget === 'infra/cloudformation/airflow-ecs.yaml');
      assert.ok(cfn, 'CloudFormation template missing from the plan');
      assert.match(cfn.content, /--stack-name orders-etl/);
      assert.match(cfn.content, /Default: orders-airflow/);
      for (const file of plan.files) {
        assert.doesNotMatch(file.content, /(?<![A-Za-z0-9_-])airflow-ecs(?![A-Za-z0-9])/, `${file.relativeTarget} still names airflow-ecs`);
        assert.doesNotMatch(file.content, /(?<![A-Za-z0-9_-])us-east-1(?![A-Za-z0-9])/, `${file.relativeTarget} still names us-east-1`);
      }
      const script = plan.files.find((f) => f.relativeTarget === 'infra/scripts/quality_gate.py');
      assert.equal((script?.mode ?? 0) & 0o100, 0o100, 'quality_gate.py should stay executable');
    });
  });

  describe('applyScaffold', () => {
    it('writes new files and creates folders', async () => {
      const plan = await planScaffold({ extensionRoot: ext, targetRoot: target, parts: ['dags', 'compose'], values });
      const result = await applyScaffold(plan, { overwrite: new Set() });
      assert.deepEqual(result.written.sort(), ['dags/etl.py', 'infra/compose/docker-compose.yml', 'sonar-project.properties', 'tests/test_etl.py']);
      assert.equal(await fs.readFile(path.join(target, 'infra/compose/docker-compose.yml'), 'utf8'), 'image: orders-airflow:local\nregion: eu-west-2\n');
    });

    it('never overwrites an existing file unless it is explicitly allowed', async () => {
      await write(target, 'tests/test_etl.py', '# my own tests\n');
      await write(target, 'sonar-project.properties', 'sonar.projectKey=mine\n');
      await write(target, 'dags/etl.py', 'dag_id = "etl"\n');
      const plan = await planScaffold({ extensionRoot: ext, targetRoot: target, parts: ['dags'], values });

      const first = await applyScaffold(plan, { overwrite: new Set() });
      assert.deepEqual(first, { written: [], unchanged: ['dags/etl.py'], skipped: ['tests/test_etl.py', 'sonar-project.properties'] });
      assert.equal(await fs.readFile(path.join(target, 'tests/test_etl.py'), 'utf8'), '# my own tests\n');

      const second = await applyScaffold(plan, { overwrite: new Set(['sonar-project.properties']) });
      assert.deepEqual(second.written, ['sonar-project.properties']);
      assert.deepEqual(second.skipped, ['tests/test_etl.py']);
      assert.match(await fs.readFile(path.join(target, 'sonar-project.properties'), 'utf8'), /orders-etl_dags/);
      assert.equal(await fs.readFile(path.join(target, 'tests/test_etl.py'), 'utf8'), '# my own tests\n');
    });

    it('does not clobber a file created after the plan was made', async () => {
      const plan = await planScaffold({ extensionRoot: ext, targetRoot: target, parts: ['dags'], values });
      assert.equal(plan.files.find((f) => f.relativeTarget === 'dags/etl.py')?.exists, false);
      await write(target, 'dags/etl.py', '# written by the user meanwhile\n');
      const result = await applyScaffold(plan, { overwrite: new Set() });
      assert.ok(result.skipped.includes('dags/etl.py'));
      assert.equal(await fs.readFile(path.join(target, 'dags/etl.py'), 'utf8'), '# written by the user meanwhile\n');
    });
  });
});
