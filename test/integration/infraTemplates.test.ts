/**
 * Checks infra-templates/ and sample-dags/ with real tools: the `yaml` parser,
 * docker-compose v1, bash, and python3's unittest.
 */
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkReferences, parseCloudFormationYaml } from '../support/cloudformation';
import { SCAFFOLD_PARTS, applyScaffold, planScaffold } from '../../src/core/scaffold/scaffold';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const infraDir = path.join(repoRoot, 'infra-templates');
const composeDir = path.join(infraDir, 'compose');
const cfnPath = path.join(infraDir, 'cloudformation', 'airflow-ecs.yaml');

type Obj = Record<string, unknown>;

function listFiles(dir: string, predicate: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, predicate));
    else if (predicate(entry.name)) out.push(full);
  }
  return out.sort();
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: 110_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail(`${command} is not installed or not on PATH; this test needs the real tool (CI installs it).`);
  }
  if (result.error) throw result.error;
  return result;
}

function ranTests(output: string): number {
  const match = /^Ran (\d+) tests? in/m.exec(output);
  assert.ok(match, `no "Ran N tests" line in:\n${output}`);
  return Number(match[1]);
}

function cfn(): Obj {
  return parseCloudFormationYaml(fs.readFileSync(cfnPath, 'utf8'), cfnPath) as Obj;
}

function resourcesOfType(template: Obj, type: string): [string, Obj][] {
  return Object.entries(template.Resources as Record<string, Obj>).filter(([, r]) => r.Type === type);
}

function commandsOf(phase: unknown): string[] {
  const commands = (phase as Obj | undefined)?.commands;
  assert.ok(Array.isArray(commands), 'phase has no commands list');
  return commands.map(String);
}

describe('infra-templates', () => {
  describe('YAML', () => {
    const yamlFiles = listFiles(infraDir, (f) => /\.ya?ml$/.test(f));

    it('finds the expected YAML files', () => {
      const rel = yamlFiles.map((f) => path.relative(infraDir, f));
      for (const expected of [
        'cloudformation/airflow-ecs.yaml', 'codebuild/buildspec-dags.yml', 'codebuild/buildspec-image.yml',
        'compose/docker-compose.ecs.yml', 'compose/docker-compose.yml', 'compose/ecs-params.yml',
      ]) {
        assert.ok(rel.includes(expected), `${expected} missing (found ${rel.join(', ')})`);
      }
    });

    it('every YAML file parses, CloudFormation short-form tags included', () => {
      for (const file of yamlFiles) {
        assert.doesNotThrow(() => parseCloudFormationYaml(fs.readFileSync(file, 'utf8'), file), file);
      }
    });

    it('the parser turns short-form tags into intrinsic functions and rejects unknown tags', () => {
      const parsed = parseCloudFormationYaml([
        'A: !Ref P',
        'B: !GetAtt Res.Endpoint.Address',
        'C: !Sub ["${X}-${Y}", { Y: !Ref P }]',
        'D: !If [Cond, !GetAZs "", !Select [0, !Split [",", !ImportValue Exported]]]',
        'E: !Base64 { "Fn::Join": ["", [a, b]] }',
        'F: !And [!Condition C1, !Not [!Equals [a, b]]]',
      ].join('\n')) as Obj;
      assert.deepEqual(parsed.A, { Ref: 'P' });
      assert.deepEqual(parsed.B, { 'Fn::GetAtt': ['Res', 'Endpoint.Address'] });
      assert.deepEqual(parsed.C, { 'Fn::Sub': ['${X}-${Y}', { Y: { Ref: 'P' } }] });
      assert.deepEqual(parsed.D, { 'Fn::If': ['Cond', { 'Fn::GetAZs': '' }, { 'Fn::Select': [0, { 'Fn::Split': [',', { 'Fn::ImportValue': 'Exported' }] }] }] });
      assert.deepEqual(parsed.F, { 'Fn::And': [{ Condition: 'C1' }, { 'Fn::Not': [{ 'Fn::Equals': ['a', 'b'] }] }] });
      assert.throws(() => parseCloudFormationYaml('A: !NotAnIntrinsic x'), /NotAnIntrinsic/);
      assert.throws(() => parseCloudFormationYaml('A: [unclosed'));
    });
  });

  describe('CloudFormation template', () => {
    it('every !Ref, !GetAtt, !Sub variable and Condition resolves', () => {
      assert.deepEqual(checkReferences(cfn()), []);
    });

    it('the reference checker catches dangling references (negative test)', () => {
      const broken = parseCloudFormationYaml(`
Parameters:
  Name: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Name, prod]
  Broken: !And [!Condition IsProd, !Condition Ghost]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: NotDefined
    DependsOn: [Missing]
    Properties:
      BucketName: !Ref Nam
      Tags:
        - Key: a
          Value: !GetAtt Nothing.Arn
        - Key: b
          Value: !Sub "\${Name}-\${AWS::Region}-\${!Literal}-\${Typo}-\${Bucket.Arn}-\${Gone.Arn}"
        - Key: c
          Value: !Sub ["\${Local}-\${Other}", { Local: !Ref AlsoMissing }]
        - Key: d
          Value: !If [NoSuchCondition, a, b]
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: !Sub "\${Bucket.Arn}/*"
            Condition: { Bool: { aws:SecureTransport: "true" } }
`) as Obj;
      const problems = checkReferences(broken);
      const mentioned = (name: string) => problems.some((p) => p.includes(name));
      for (const name of ['Ghost', 'NotDefined', 'Missing', 'Nam ', 'Nothing', 'Typo', 'Gone', 'Other', 'AlsoMissing', 'NoSuchCondition']) {
        assert.ok(mentioned(name.trim()), `expected a problem about ${name}: ${problems.join('\n')}`);
      }
      assert.equal(problems.length, 10, problems.join('\n'));
      assert.ok(!mentioned('Literal'), '${!Literal} must be ignored');
      assert.ok(!problems.some((p) => p.includes('Policy')), 'valid Sub and IAM Condition block must not be flagged');
    });

    it('has the resources the architecture relies on', () => {
      const t = cfn();
      const [[, cluster]] = resourcesOfType(t, 'AWS::ECS::Cluster');
      assert.deepEqual((cluster.Properties as Obj).CapacityProviders, ['FARGATE', 'FARGATE_SPOT']);

      const taskDefs = resourcesOfType(t, 'AWS::ECS::TaskDefinition');
      assert.deepEqual(taskDefs.map(([n]) => n).sort(),
        ['FlowerTaskDefinition', 'SchedulerTaskDefinition', 'TriggererTaskDefinition', 'WebserverTaskDefinition', 'WorkerTaskDefinition']);
      for (const [name, td] of taskDefs) {
        const props = td.Properties as Obj;
        const volumes = props.Volumes as Obj[];
        assert.ok(volumes.some((v) => (v.EFSVolumeConfiguration as Obj | undefined)?.FilesystemId !== undefined), `${name}: no EFS volume`);
        for (const container of props.ContainerDefinitions as Obj[]) {
          const log = container.LogConfiguration as Obj;
          assert.equal(log.LogDriver, 'awslogs', name);
          const options = log.Options as Obj;
          for (const key of ['awslogs-group', 'awslogs-region', 'awslogs-stream-prefix']) assert.ok(options[key], `${name}: ${key}`);
          assert.ok((container.MountPoints as Obj[]).some((m) => m.ContainerPath === '/opt/airflow/dags'), `${name}: dags not mounted`);
          assert.ok((container.Secrets as Obj[]).length >= 2, `${name}: no secrets injected`);
        }
      }
      assert.equal(resourcesOfType(t, 'AWS::ECS::Service').length, 5);

      const [[, db]] = resourcesOfType(t, 'AWS::RDS::DBCluster');
      assert.equal((db.Properties as Obj).ManageMasterUserPassword, true);
      assert.equal((db.Properties as Obj).Engine, 'aurora-postgresql');
      assert.ok((db.Properties as Obj).ServerlessV2ScalingConfiguration);
      assert.equal(resourcesOfType(t, 'AWS::ElastiCache::CacheCluster').length + resourcesOfType(t, 'AWS::ElastiCache::ReplicationGroup').length, 1);

      const [[, ecr]] = resourcesOfType(t, 'AWS::ECR::Repository');
      assert.equal(((ecr.Properties as Obj).ImageScanningConfiguration as Obj).ScanOnPush, true);
      JSON.parse(((ecr.Properties as Obj).LifecyclePolicy as Obj).LifecyclePolicyText as string);

      const projects = Object.fromEntries(resourcesOfType(t, 'AWS::CodeBuild::Project'));
      for (const project of Object.values(projects)) {
        assert.equal(((project.Properties as Obj).Source as Obj).ReportBuildStatus, true);
        assert.equal(((project.Properties as Obj).Source as Obj).Type, 'GITHUB');
      }
      const dags = projects.DagsBuildProject.Properties as Obj;
      assert.ok(dags.VpcConfig, 'DAG project needs VpcConfig to reach EFS');
      assert.equal((dags.FileSystemLocations as Obj[])[0].Type, 'EFS');

      const [[, scaling]] = resourcesOfType(t, 'AWS::ApplicationAutoScaling::ScalingPolicy');
      assert.equal((scaling.Properties as Obj).PolicyType, 'TargetTrackingScaling');
      for (const [name, lg] of resourcesOfType(t, 'AWS::Logs::LogGroup')) {
        assert.ok((lg.Properties as Obj).RetentionInDays, `${name} has no retention`);
      }
    });

    it('outputs what the extension settings need and documents the deploy command', () => {
      const outputs = Object.keys(cfn().Outputs as Obj);
      for (const key of ['ClusterName', 'Region', 'EcrRepositoryName', 'EcrRepositoryUri', 'DagsCodeBuildProject', 'ImageCodeBuildProject', 'WorkerLogGroup']) {
        assert.ok(outputs.includes(key), `output ${key} missing`);
      }
      const text = fs.readFileSync(cfnPath, 'utf8');
      assert.match(text, /^# +aws cloudformation deploy \\$/m);
      assert.match(text, /--capabilities CAPABILITY_NAMED_IAM/);
      assert.match(text, /--template-file infra\/cloudformation\/airflow-ecs\.yaml/);
    });
  });

  describe('docker-compose (real docker-compose binary)', () => {
    const composeEnv = { ...process.env, AWS_ACCOUNT_ID: '123456789012' };
    const compose = (file: string, extra: string[], env: NodeJS.ProcessEnv = composeEnv) =>
      run('docker-compose', ['-f', file, '--env-file', '.env.example', ...extra], { cwd: composeDir, env });

    for (const file of ['docker-compose.yml', 'docker-compose.ecs.yml']) {
      it(`docker-compose config -q accepts ${file}`, () => {
        const result = compose(file, ['config', '-q']);
        assert.equal(result.status, 0, `docker-compose rejected ${file}:\n${result.stderr}`);
      });
    }

    it('the local stack has every service, a scalable worker and ordered start-up', () => {
      const result = compose('docker-compose.yml', ['config']);
      assert.equal(result.status, 0, result.stderr);
      const config = parseYaml(result.stdout) as { services: Record<string, Obj> };
      assert.deepEqual(Object.keys(config.services).sort(),
        ['airflow-init', 'airflow-scheduler', 'airflow-triggerer', 'airflow-webserver', 'airflow-worker', 'flower', 'postgres', 'redis']);
      const worker = config.services['airflow-worker'];
      assert.equal(worker.container_name, undefined, 'a container_name would prevent --scale');
      assert.equal(worker.ports, undefined, 'a host port would prevent --scale');
      assert.deepEqual(worker.depends_on, {
        'airflow-init': { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      for (const [name, service] of Object.entries(config.services)) {
        if (name !== 'airflow-init') assert.ok(service.healthcheck, `${name} has no health check`);
      }
      const volumes = JSON.stringify(worker.volumes);
      assert.match(volumes, /\/opt\/airflow\/dags/);
    });

    it('the ECS file uses awslogs and refuses to render without AWS_ACCOUNT_ID', () => {
      const result = compose('docker-compose.ecs.yml', ['config']);
      assert.equal(result.status, 0, result.stderr);
      const config = parseYaml(result.stdout) as { services: Record<string, Obj> };
      for (const [name, service] of Object.entries(config.services)) {
        const logging = service.logging as Obj;
        assert.equal(logging.driver, 'awslogs', name);
        assert.equal((logging.options as Obj)['awslogs-stream-prefix'], name);
      }
      const env = { ...process.env };
      delete env.AWS_ACCOUNT_ID;
      const missing = compose('docker-compose.ecs.yml', ['config', '-q'], env);
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /AWS_ACCOUNT_ID/);
    });

    it('the ECS reference says ecs-cli is retired and CloudFormation deploys', () => {
      for (const file of ['docker-compose.ecs.yml', 'ecs-params.yml', 'README.md']) {
        const text = fs.readFileSync(path.join(composeDir, file), 'utf8');
        assert.match(text, /ecs-cli[^\n]*retired|retired[^\n]*ecs-cli/i, file);
        assert.match(text, /CloudFormation|cloudformation\//, file);
      }
    });
  });

  describe('CodeBuild buildspecs', () => {
    const load = (name: string) => parseYaml(fs.readFileSync(path.join(infraDir, 'codebuild', name), 'utf8')) as Obj;

    it('every buildspec command is valid bash', () => {
      for (const name of ['buildspec-image.yml', 'buildspec-dags.yml']) {
        for (const [phase, body] of Object.entries(load(name).phases as Obj)) {
          for (const command of commandsOf(body)) {
            const result = run('bash', ['-n', '-c', command], { cwd: repoRoot });
            assert.equal(result.status, 0, `${name} ${phase}: ${command}\n${result.stderr}`);
          }
        }
      }
    });

    it('image buildspec: version 0.2, labels from build args, ECR login, push only after a good build', () => {
      const spec = load('buildspec-image.yml');
      assert.equal(spec.version, 0.2);
      const phases = spec.phases as Obj;
      assert.deepEqual(Object.keys(phases), ['pre_build', 'build', 'post_build']);
      assert.match(commandsOf(phases.pre_build).join('\n'), /aws ecr get-login-password .*\| docker login --username AWS --password-stdin/);
      const build = commandsOf(phases.build).join('\n');
      assert.match(build, /docker build/);
      assert.match(build, /--build-arg BUILD_NUMBER=\$CODEBUILD_BUILD_NUMBER/);
      assert.match(build, /--build-arg SOURCE_VERSION=\$CODEBUILD_RESOLVED_SOURCE_VERSION/);
      assert.match(build, /IMAGE_TAG\}/);
      const post = commandsOf(phases.post_build).join('\n');
      assert.match(post, /if \[ "\$CODEBUILD_BUILD_SUCCEEDING" = "1" \]; then[\s\S]*docker push[\s\S]*else/);
      assert.doesNotMatch(build, /docker push/);
      const dockerfile = fs.readFileSync(path.join(infraDir, 'docker', 'Dockerfile'), 'utf8');
      for (const arg of ['BUILD_NUMBER', 'SOURCE_VERSION']) assert.match(dockerfile, new RegExp(`ARG ${arg}`));
      assert.match(dockerfile, /org\.opencontainers\.image\.revision="\$\{SOURCE_VERSION\}"/);
      assert.match(dockerfile, /^FROM apache\/airflow:2\.10\.\d+-python3\.\d+$/m);
      assert.match(dockerfile, /--constraint "https:\/\/raw\.githubusercontent\.com\/apache\/airflow\/constraints-/);
      assert.match(dockerfile.trim().split('\n').filter((l) => /^USER /.test(l)).pop() ?? '', /^USER airflow$/);
    });

    it('DAG buildspec: tests, scan, gate, then copy to EFS', () => {
      const spec = load('buildspec-dags.yml');
      assert.equal(spec.version, 0.2);
      const phases = spec.phases as Obj;
      assert.deepEqual(Object.keys(phases), ['install', 'pre_build', 'build', 'post_build']);
      assert.ok(commandsOf(phases.pre_build).includes('python -m unittest discover -s tests'));
      const build = commandsOf(phases.build);
      const scan = build.findIndex((c) => c.startsWith('sonar-scanner'));
      const gate = build.findIndex((c) => c.includes('quality_gate.py'));
      assert.ok(scan >= 0 && gate > scan, 'sonar-scanner must run before quality_gate.py');
      const artifacts = (spec.artifacts as Obj).files as string[];
      assert.ok(artifacts.includes('sonar-findings.json') && artifacts.includes('results.json'));
    });

    it('DAG buildspec copies dags/ to EFS only when every earlier phase succeeded', () => {
      const spec = load('buildspec-dags.yml');
      const script = commandsOf((spec.phases as Obj).post_build).join('\n');
      assert.match(script, /rsync .*dags\/ "\$EFS_MOUNT_POINT\/dags\/"/);
      // Run the real post_build script with bash. rsync is replaced by a stub that
      // records its arguments: this test is about the guard, not about rsync.
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'buildspec-dags-'));
      try {
        fs.mkdirSync(path.join(work, 'dags'));
        fs.writeFileSync(path.join(work, 'dags', 'a.py'), '# dag\n');
        const bin = path.join(work, 'bin');
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, 'rsync'), '#!/bin/sh\necho "$@" >> "$RSYNC_LOG"\n', { mode: 0o755 });
        const attempt = (succeeding: string) => {
          const log = path.join(work, `rsync-${succeeding}.log`);
          const efs = path.join(work, `efs-${succeeding}`);
          const result = run('bash', ['-e', '-c', script], {
            cwd: work,
            env: { PATH: `${bin}:${process.env.PATH}`, RSYNC_LOG: log, EFS_MOUNT_POINT: efs, CODEBUILD_BUILD_SUCCEEDING: succeeding },
          });
          return { result, log, efs };
        };
        const ok = attempt('1');
        assert.equal(ok.result.status, 0, ok.result.stderr);
        assert.match(fs.readFileSync(ok.log, 'utf8'), new RegExp(`dags/ ${ok.efs}/dags/`));
        const failed = attempt('0');
        assert.equal(failed.result.status, 0, failed.result.stderr);
        assert.equal(fs.existsSync(failed.log), false, 'rsync ran after a failed build');
        assert.equal(fs.existsSync(failed.efs), false);
        assert.match(failed.result.stdout, /NOT copied/);
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  });

  describe('python tests (real python3)', () => {
    it('sample-dags: python3 -m unittest discover -s tests passes', () => {
      const result = run('python3', ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: path.join(repoRoot, 'sample-dags') });
      assert.equal(result.status, 0, result.stderr);
      assert.ok(ranTests(result.stderr) > 0);
    });

    it('quality_gate.py: its unittest suite against a local fake SonarCloud passes', () => {
      const result = run('python3', ['-m', 'unittest', 'discover', '-s', 'infra-templates/scripts', '-p', 'test_*.py'], { cwd: repoRoot });
      assert.equal(result.status, 0, result.stderr);
      assert.ok(ranTests(result.stderr) >= 10, result.stderr);
      assert.doesNotMatch(result.stderr, /skipped/);
    });
  });

  describe('a scaffolded project (Initialize Project output) still passes the real tools', () => {
    let project: string;
    before(async () => {
      project = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolded-'));
      const plan = await planScaffold({
        extensionRoot: repoRoot, targetRoot: project, parts: SCAFFOLD_PARTS.map((p) => p.id),
        values: { projectName: 'orders-etl', region: 'eu-west-2', repositoryName: 'orders-airflow' },
      });
      const result = await applyScaffold(plan, { overwrite: new Set() });
      assert.equal(result.written.length, plan.files.length);
    });
    after(() => fs.rmSync(project, { recursive: true, force: true }));

    it('CloudFormation references resolve and the names were substituted', () => {
      const file = path.join(project, 'infra', 'cloudformation', 'airflow-ecs.yaml');
      const template = parseCloudFormationYaml(fs.readFileSync(file, 'utf8'), file) as Obj;
      assert.deepEqual(checkReferences(template), []);
      const params = template.Parameters as Record<string, Obj>;
      assert.equal(params.ProjectName.Default, 'orders-etl');
      assert.equal(params.EcrRepositoryName.Default, 'orders-airflow');
      assert.match(String(params.ProjectName.AllowedPattern), /\^/);
      assert.match('orders-etl', new RegExp(String(params.ProjectName.AllowedPattern)));
    });

    it('docker-compose accepts both compose files', () => {
      for (const file of ['docker-compose.yml', 'docker-compose.ecs.yml']) {
        const result = run('docker-compose', ['-f', file, '--env-file', '.env.example', 'config'], {
          cwd: path.join(project, 'infra', 'compose'), env: { ...process.env, AWS_ACCOUNT_ID: '123456789012' },
        });
        assert.equal(result.status, 0, result.stderr);
        if (file.includes('ecs')) assert.match(result.stdout, /awslogs-region: eu-west-2/);
        else assert.ok(result.stdout.includes(`${project}/dags:/opt/airflow/dags`), 'dags/ of the project root is not mounted');
      }
    });

    it('the DAG tests and the quality gate tests pass where the pipeline runs them', () => {
      const dags = run('python3', ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: project });
      assert.equal(dags.status, 0, dags.stderr);
      assert.ok(ranTests(dags.stderr) > 0);
      const gate = run('python3', ['-m', 'unittest', 'discover', '-s', 'infra/scripts', '-p', 'test_*.py'], { cwd: project });
      assert.equal(gate.status, 0, gate.stderr);
      assert.ok(ranTests(gate.stderr) > 0);
    });
  });
});
