/**
 * Checks infra-templates/ and sample-dags/ with real tools: the `yaml` parser, cfn-lint,
 * docker-compose v1, bash and shellcheck, python3's unittest, and Apache Airflow 3 itself
 * (its DagBag, its configuration lint, and `airflow standalone` parsing the sample DAGs).
 */
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseCloudFormationYaml } from '../support/cloudformation';
import { startAirflow } from '../support/airflow';
import { pythonToolBin } from '../support/pythonTools';
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

function cfnLint(file: string): SpawnSyncReturns<string> {
  return run(path.join(pythonToolBin('cfn-lint'), 'cfn-lint'), ['--format', 'parseable', file], { cwd: repoRoot });
}

/** The Environment of a container definition as name -> value, intrinsic values as placeholders. */
function containerEnv(container: Obj): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of (container.Environment as Obj[] | undefined) ?? []) {
    env[String(item.Name)] = typeof item.Value === 'string' ? item.Value : 'from-cloudformation';
  }
  for (const item of (container.Secrets as Obj[] | undefined) ?? []) {
    if (item.Name) env[String(item.Name)] = 'from-secrets-manager';
  }
  return env;
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
    it('cfn-lint, the official linter, passes with 0 errors and 0 warnings', () => {
      const result = cfnLint(cfnPath);
      assert.equal(result.status, 0, `cfn-lint found:\n${result.stdout}${result.stderr}`);
      assert.equal(result.stdout.trim(), '');
    });

    it('cfn-lint catches dangling references (negative test)', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-broken-'));
      try {
        const file = path.join(dir, 'broken.yaml');
        fs.writeFileSync(file, [
          'AWSTemplateFormatVersion: "2010-09-09"',
          'Parameters:',
          '  Name: { Type: String }',
          'Resources:',
          '  Bucket:',
          '    Type: AWS::S3::Bucket',
          '    DependsOn: [Missing]',
          '    Properties:',
          '      BucketName: !Ref Nam',
          '      Tags:',
          '        - { Key: a, Value: !GetAtt Nothing.Arn }',
          '        - { Key: b, Value: !Sub "${Name}-${Typo}" }',
          '',
        ].join('\n'));
        const result = cfnLint(file);
        assert.notEqual(result.status, 0);
        for (const name of ['Missing', 'Nam', 'Nothing', 'Typo']) assert.match(result.stdout, new RegExp(`\\b${name}\\b`), result.stdout);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('has the resources the architecture relies on', () => {
      const t = cfn();
      const [[, cluster]] = resourcesOfType(t, 'AWS::ECS::Cluster');
      assert.deepEqual((cluster.Properties as Obj).CapacityProviders, ['FARGATE', 'FARGATE_SPOT']);

      const taskDefs = resourcesOfType(t, 'AWS::ECS::TaskDefinition');
      assert.deepEqual(taskDefs.map(([n]) => n).sort(), [
        'ApiServerTaskDefinition', 'DagProcessorTaskDefinition', 'FlowerTaskDefinition', 'MigrateTaskDefinition',
        'SchedulerTaskDefinition', 'TriggererTaskDefinition', 'WorkerTaskDefinition',
      ]);
      for (const [name, td] of taskDefs) {
        if (name === 'MigrateTaskDefinition') continue;
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
      assert.equal(resourcesOfType(t, 'AWS::ECS::Service').length, 6);

      const [[, db]] = resourcesOfType(t, 'AWS::RDS::DBCluster');
      assert.equal((db.Properties as Obj).ManageMasterUserPassword, true);
      assert.equal((db.Properties as Obj).Engine, 'aurora-postgresql');
      assert.ok((db.Properties as Obj).ServerlessV2ScalingConfiguration);
      assert.equal(resourcesOfType(t, 'AWS::ElastiCache::CacheCluster').length + resourcesOfType(t, 'AWS::ElastiCache::ReplicationGroup').length, 1);

      const [[, ecr]] = resourcesOfType(t, 'AWS::ECR::Repository');
      assert.equal(((ecr.Properties as Obj).ImageScanningConfiguration as Obj).ScanOnPush, true);
      // The deployed image is matched by the first rule, so no lower rule can expire it.
      const lifecycle = JSON.parse(((ecr.Properties as Obj).LifecyclePolicy as Obj).LifecyclePolicyText as string) as { rules: { rulePriority: number; selection: Obj }[] };
      const first = [...lifecycle.rules].sort((a, b) => a.rulePriority - b.rulePriority)[0];
      assert.deepEqual(first.selection.tagPrefixList, ['deployed']);
      assert.ok(Number(first.selection.countNumber) >= 9999);
      assert.ok(!lifecycle.rules.some((r) => r.selection.tagStatus === 'any'), 'a rule on any tag status could expire the deployed image');

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

    it('runs Airflow 3: api-server behind the load balancer, dag-processor, Execution API, remote task logs, shared secrets', () => {
      const t = cfn();
      const resources = t.Resources as Record<string, Obj>;
      const container = (id: string) => ((resources[`${id}TaskDefinition`].Properties as Obj).ContainerDefinitions as Obj[])[0];
      assert.deepEqual(container('ApiServer').Command, ['api-server']);
      assert.deepEqual(container('DagProcessor').Command, ['dag-processor']);
      assert.match(JSON.stringify(container('ApiServer').HealthCheck), /\/api\/v2\/monitor\/health/);
      const targetGroup = resources.ApiServerTargetGroup.Properties as Obj;
      assert.equal(targetGroup.HealthCheckPath, '/api/v2/monitor/health');
      assert.equal(targetGroup.TargetType, 'ip');
      const apiService = resources.ApiServerService.Properties as Obj;
      assert.deepEqual((apiService.LoadBalancers as Obj[])[0].ContainerPort, 8080);
      assert.match(JSON.stringify(apiService.ServiceConnectConfiguration), /"DnsName":"api-server","Port":8080/);
      assert.equal(resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::Listener').length, 2);
      for (const [name, service] of resourcesOfType(t, 'AWS::ECS::Service')) {
        assert.ok((service.DependsOn as string[]).includes('DatabaseMigration'), `${name} must wait for the migration`);
        assert.ok((service.Properties as Obj).ServiceConnectConfiguration, `${name} cannot reach http://api-server:8080`);
      }
      for (const [name, td] of resourcesOfType(t, 'AWS::ECS::TaskDefinition')) {
        const env = containerEnv(((td.Properties as Obj).ContainerDefinitions as Obj[])[0]);
        assert.equal(env.AIRFLOW__CORE__EXECUTION_API_SERVER_URL, 'http://api-server:8080/execution/', name);
        assert.equal(env.AIRFLOW__LOGGING__REMOTE_LOGGING, 'true', name);
        assert.match(env.AIRFLOW__CORE__AUTH_MANAGER, /FabAuthManager$/, name);
        for (const secret of ['AIRFLOW__API_AUTH__JWT_SECRET', 'AIRFLOW__API__SECRET_KEY', 'FERNET_KEY_BODY', 'DB_PASSWORD']) {
          assert.equal(env[secret], 'from-secrets-manager', `${name}: ${secret}`);
        }
      }
      const migrate = containerEnv(container('Migrate'));
      assert.equal(migrate._AIRFLOW_DB_MIGRATE, 'true');
      assert.equal(migrate._AIRFLOW_WWW_USER_CREATE, 'true');
      assert.equal(migrate._AIRFLOW_WWW_USER_PASSWORD, 'from-secrets-manager');
      assert.deepEqual((resources.DatabaseMigration.Properties as Obj).TaskDefinition, { Ref: 'MigrateTaskDefinition' });
      // ImageTag: no default, and a moving tag is refused.
      const imageTag = (t.Parameters as Record<string, Obj>).ImageTag;
      assert.equal(imageTag.Default, undefined);
      const pattern = new RegExp(String(imageTag.AllowedPattern));
      assert.ok(pattern.test('build-42') && pattern.test('abc1234'));
      assert.ok(!pattern.test('latest'));
    });

    it('the migration custom resource: its inline code, run with botocore\'s Stubber and a local CloudFormation response URL', () => {
      const result = run(path.join(pythonToolBin('airflow'), 'python'), ['-m', 'unittest', 'discover', '-s', 'test/python', '-p', 'test_*.py'], { cwd: repoRoot });
      assert.equal(result.status, 0, result.stderr);
      assert.ok(ranTests(result.stderr) >= 5, result.stderr);
      assert.doesNotMatch(result.stderr, /skipped/);
    });

    it('Airflow accepts the Fernet key the tasks build from the generated 43-character secret', () => {
      const td = (cfn().Resources as Record<string, Obj>).WorkerTaskDefinition.Properties as Obj;
      const env = containerEnv((td.ContainerDefinitions as Obj[])[0]);
      const body = 'Ab3'.repeat(14) + 'Z';  // what GenerateSecretString (43, no punctuation) produces
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-fernet-'));
      try {
        const result = run(path.join(pythonToolBin('airflow'), 'python'), ['-c', [
          'from airflow.models.crypto import get_fernet',
          'f = get_fernet()',
          'print("roundtrip", f.decrypt(f.encrypt(b"secret")).decode(), f.is_encrypted)',
        ].join('\n')], {
          cwd: home,
          env: { ...process.env, AIRFLOW_HOME: home, FERNET_KEY_BODY: body, AIRFLOW__CORE__FERNET_KEY_CMD: env.AIRFLOW__CORE__FERNET_KEY_CMD },
        });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /roundtrip secret True/);
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });

    it('outputs what the extension settings need and documents the deploy command', () => {
      const outputs = Object.keys(cfn().Outputs as Obj);
      for (const key of ['ClusterName', 'Region', 'EcrRepositoryName', 'EcrRepositoryUri', 'DagsCodeBuildProject', 'ImageCodeBuildProject', 'WorkerLogGroup']) {
        assert.ok(outputs.includes(key), `output ${key} missing`);
      }
      const settings = Object.keys((JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Obj } } }).contributes.configuration.properties);
      const named = [...JSON.stringify(cfn().Outputs).matchAll(/airflowEcs\.[\w.]+/g)].map((m) => m[0]);
      assert.ok(named.length >= 4, named.join(', '));
      for (const setting of named) assert.ok(settings.includes(setting), `Outputs name ${setting}, which the extension does not have`);
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
        const result = compose(file, ['config', '-q'], { ...composeEnv, IMAGE_TAG: 'build-1' });
        assert.equal(result.status, 0, `docker-compose rejected ${file}:\n${result.stderr}`);
      });
    }

    it('the local stack has every service, a scalable worker and ordered start-up', () => {
      const result = compose('docker-compose.yml', ['config']);
      assert.equal(result.status, 0, result.stderr);
      const config = parseYaml(result.stdout) as { services: Record<string, Obj> };
      assert.deepEqual(Object.keys(config.services).sort(), [
        'airflow-apiserver', 'airflow-dag-processor', 'airflow-init', 'airflow-scheduler', 'airflow-triggerer',
        'airflow-worker', 'flower', 'postgres', 'redis',
      ]);
      const worker = config.services['airflow-worker'];
      assert.equal(worker.container_name, undefined, 'a container_name would prevent --scale');
      assert.equal(worker.ports, undefined, 'a host port would prevent --scale');
      assert.deepEqual(worker.depends_on, {
        'airflow-apiserver': { condition: 'service_healthy' },
        'airflow-init': { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      for (const [name, service] of Object.entries(config.services)) {
        if (name !== 'airflow-init') assert.ok(service.healthcheck, `${name} has no health check`);
      }
      const volumes = JSON.stringify(worker.volumes);
      assert.match(volumes, /\/opt\/airflow\/dags/);
      assert.match(JSON.stringify(config.services['airflow-apiserver'].healthcheck), /\/api\/v2\/monitor\/health/);
      const env = (name: string) => config.services[name].environment as Record<string, string>;
      assert.equal(env('airflow-worker').AIRFLOW__CORE__EXECUTION_API_SERVER_URL, 'http://airflow-apiserver:8080/execution/');
      // One JWT secret for every component, or workers cannot use the Execution API.
      const secrets = new Set(Object.keys(config.services).filter((n) => n.startsWith('airflow-')).map((n) => env(n).AIRFLOW__API_AUTH__JWT_SECRET));
      assert.equal(secrets.size, 1);
      assert.ok([...secrets][0]);
    });

    it('every Airflow setting of the compose files and the task definitions exists in the pinned Airflow and passes `airflow config lint`', () => {
      const groups: Record<string, Record<string, string>> = {};
      const local = parseYaml(compose('docker-compose.yml', ['config']).stdout) as { services: Record<string, Obj> };
      const ecs = parseYaml(compose('docker-compose.ecs.yml', ['config'], { ...composeEnv, IMAGE_TAG: 'build-1' }).stdout) as { services: Record<string, Obj> };
      for (const [label, config] of [['compose', local], ['ecs compose', ecs]] as const) {
        for (const [name, service] of Object.entries(config.services)) {
          if (service.environment) groups[`${label} ${name}`] = service.environment as Record<string, string>;
        }
      }
      for (const [name, td] of resourcesOfType(cfn(), 'AWS::ECS::TaskDefinition')) {
        groups[`CloudFormation ${name}`] = containerEnv(((td.Properties as Obj).ContainerDefinitions as Obj[])[0]);
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-env-'));
      try {
        const report = path.join(dir, 'report.json');
        const result = spawnSync(path.join(pythonToolBin('airflow'), 'python'), [path.join(repoRoot, 'test', 'python', 'check_airflow_env.py'), report], {
          cwd: dir, input: JSON.stringify(groups), encoding: 'utf8', timeout: 600_000, env: { ...process.env, AIRFLOW_HOME: dir },
        });
        assert.equal(result.status, 0, result.stderr.slice(-3000));
        const problems = Object.entries(JSON.parse(fs.readFileSync(report, 'utf8')) as Record<string, string[]>).flatMap(([where, list]) => list.map((p) => `${where}: ${p}`));
        assert.deepEqual(problems, []);
        assert.ok(Object.keys(groups).length >= 15, Object.keys(groups).join(', '));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('the ECS file uses awslogs and refuses to render without AWS_ACCOUNT_ID or an image tag', () => {
      const result = compose('docker-compose.ecs.yml', ['config'], { ...composeEnv, IMAGE_TAG: 'build-1' });
      assert.equal(result.status, 0, result.stderr);
      const config = parseYaml(result.stdout) as { services: Record<string, Obj> };
      for (const [name, service] of Object.entries(config.services)) {
        const logging = service.logging as Obj;
        assert.equal(logging.driver, 'awslogs', name);
        assert.equal((logging.options as Obj)['awslogs-stream-prefix'], name);
      }
      const env = { ...process.env };
      delete env.AWS_ACCOUNT_ID;
      const missing = compose('docker-compose.ecs.yml', ['config', '-q'], { ...env, IMAGE_TAG: 'build-1' });
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /AWS_ACCOUNT_ID/);
      const noTag = compose('docker-compose.ecs.yml', ['config', '-q'], composeEnv);
      assert.notEqual(noTag.status, 0);
      assert.match(noTag.stderr, /IMAGE_TAG/);
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

    it('every buildspec command is valid bash, and shellcheck passes on each buildspec and the roll-out script', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildspec-sh-'));
      try {
        for (const name of ['buildspec-image.yml', 'buildspec-dags.yml']) {
          const spec = load(name);
          assert.equal((spec.env as Obj).shell, 'bash', `${name} must run its commands with bash`);
          const script: string[] = ['#!/usr/bin/env bash'];
          for (const [phase, body] of Object.entries(spec.phases as Obj)) {
            for (const command of commandsOf(body)) {
              const result = run('bash', ['-n', '-c', command], { cwd: repoRoot });
              assert.equal(result.status, 0, `${name} ${phase}: ${command}\n${result.stderr}`);
              script.push(command);
            }
          }
          // CodeBuild runs a buildspec's commands in one shell, in order; the variables it does not
          // assign come from CodeBuild and the project environment (SC2154 is about those).
          const file = path.join(dir, `${name}.sh`);
          fs.writeFileSync(file, script.join('\n') + '\n');
          const check = run('shellcheck', ['--exclude=SC2154', file], { cwd: repoRoot });
          assert.equal(check.status, 0, `shellcheck on ${name}:\n${check.stdout}`);
        }
        const rollOut = run('shellcheck', [path.join(infraDir, 'scripts', 'roll_out_image.sh')], { cwd: repoRoot });
        assert.equal(rollOut.status, 0, rollOut.stdout);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
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
      assert.match(build, /--build-arg BUILD_NUMBER="\$CODEBUILD_BUILD_NUMBER"/);
      assert.match(build, /--build-arg SOURCE_VERSION="\$CODEBUILD_RESOLVED_SOURCE_VERSION"/);
      assert.match(build, /IMAGE_TAG\}/);
      const post = commandsOf(phases.post_build).join('\n');
      assert.match(post, /if \[ "\$CODEBUILD_BUILD_SUCCEEDING" = "1" \]; then[\s\S]*docker push[\s\S]*else/);
      assert.doesNotMatch(build, /docker push/);
      const dockerfile = fs.readFileSync(path.join(infraDir, 'docker', 'Dockerfile'), 'utf8');
      for (const arg of ['BUILD_NUMBER', 'SOURCE_VERSION']) assert.match(dockerfile, new RegExp(`ARG ${arg}`));
      assert.match(dockerfile, /org\.opencontainers\.image\.revision="\$\{SOURCE_VERSION\}"/);
      // The version ARGs come before FROM and FROM uses them; build metadata comes after the RUN steps.
      assert.match(dockerfile, /^ARG AIRFLOW_VERSION=3\.\d+\.\d+\nARG PYTHON_VERSION=3\.12\nFROM apache\/airflow:\$\{AIRFLOW_VERSION\}-python\$\{PYTHON_VERSION\}$/m);
      const lines = dockerfile.split('\n');
      const lastRun = lines.map((l, i) => (/^RUN /.test(l) ? i : -1)).filter((i) => i >= 0).pop()!;
      assert.ok(lines.findIndex((l) => /^ARG BUILD_NUMBER/.test(l)) > lastRun, 'BUILD_NUMBER before a RUN step defeats the layer cache');
      assert.match(dockerfile, /-c \/opt\/airflow-requirements\/constraints\.txt/);
      assert.doesNotMatch(dockerfile, /https?:\/\//, 'the image build must not fetch from the network beyond pip and the base image');
      const pinned = fs.readFileSync(path.join(infraDir, 'docker', 'constraints.txt'), 'utf8');
      const version = /^ARG AIRFLOW_VERSION=(.+)$/m.exec(dockerfile)![1];
      assert.match(pinned, new RegExp(`^apache-airflow==${version.replace(/\./g, '\\.')}$`, 'm'));
      assert.match(fs.readFileSync(path.join(infraDir, 'docker', 'requirements.txt'), 'utf8'), new RegExp(`apache-airflow\\[[^\\]]*\\]==${version.replace(/\./g, '\\.')}`));
      // After the push, build-N is rolled out through the stack (never a moving tag).
      assert.match(post, /roll_out_image\.sh "\$STACK_NAME" "\$BUILD_TAG"/);
      assert.match(dockerfile.trim().split('\n').filter((l) => /^USER /.test(l)).pop() ?? '', /^USER airflow$/);
    });

    it('DAG buildspec: tests, scan, gate, then copy to EFS', () => {
      const spec = load('buildspec-dags.yml');
      assert.equal(spec.version, 0.2);
      const phases = spec.phases as Obj;
      assert.deepEqual(Object.keys(phases), ['install', 'pre_build', 'build', 'post_build']);
      const install = commandsOf(phases.install).join('\n');
      assert.match(install, /pip install --quiet -r infra\/docker\/requirements\.txt -c infra\/docker\/constraints\.txt/);
      assert.match(install, /--require-hashes -r infra\/codebuild\/requirements-scanner\.txt/);
      assert.equal(((spec.env as Obj).variables as Obj).REQUIRE_AIRFLOW, '1', 'DagBag checks must fail, not skip, without Airflow');
      assert.ok(commandsOf(phases.pre_build).some((c) => c.startsWith('python -m unittest discover -s tests')));
      const build = commandsOf(phases.build);
      const scan = build.findIndex((c) => c.startsWith('pysonar'));
      const gate = build.findIndex((c) => c.includes('quality_gate.py'));
      assert.ok(scan >= 0 && gate > scan, 'the scan must run before quality_gate.py');
      assert.match(build[scan], /--sonar-branch-name "\$BRANCH"/);
      assert.match(build[gate], /--branch "\$BRANCH"/);
      for (const line of fs.readFileSync(path.join(infraDir, 'codebuild', 'requirements-scanner.txt'), 'utf8').split('\n')) {
        if (line && !line.startsWith('#')) assert.match(line, /^[\w.-]+==[\w.]+ --hash=sha256:[0-9a-f]{64}$/);
      }
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

  describe('python tests (real python3 and the pinned Apache Airflow)', () => {
    it('sample-dags with Airflow: DagBag parses every DAG, only the deliberate import error, nothing skipped', () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-dagbag-'));
      try {
        const result = run(path.join(pythonToolBin('airflow'), 'python'), ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], {
          cwd: path.join(repoRoot, 'sample-dags'), env: { ...process.env, AIRFLOW_HOME: home, REQUIRE_AIRFLOW: '1' },
        });
        assert.equal(result.status, 0, result.stderr.slice(-4000));
        assert.ok(ranTests(result.stderr) >= 18);
        assert.doesNotMatch(result.stderr, /skipped/);
        assert.match(result.stderr, /test_only_the_deliberate_import_errors .* ok/);
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });

    it('sample-dags without Airflow: the static checks run and the DagBag checks say why they skip', () => {
      const result = run('python3', ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: path.join(repoRoot, 'sample-dags') });
      assert.equal(result.status, 0, result.stderr);
      assert.ok(ranTests(result.stderr) >= 18);
      assert.match(result.stderr, /OK \(skipped=\d+\)/);
      const required = run('python3', ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: path.join(repoRoot, 'sample-dags'), env: { ...process.env, REQUIRE_AIRFLOW: '1' } });
      assert.notEqual(required.status, 0, 'REQUIRE_AIRFLOW=1 without Airflow must fail');
    });

    it('a real Airflow 3 (airflow standalone) parses the sample DAGs and reports the deliberate import error', async function () {
      this.timeout(300_000);
      const airflow = await startAirflow({ dagsFolder: path.join(repoRoot, 'sample-dags', 'dags') });
      try {
        const version = await (await fetch(`${airflow.url}/api/v2/version`)).json() as { version: string };
        assert.match(version.version, /^3\./);
        const dags = await airflow.waitFor<{ dags: { dag_id: string }[] }>('/dags', (b) => b.dags.length >= 5, 120_000);
        assert.deepEqual(dags.dags.map((d) => d.dag_id).sort(), ['bad_tempfile_example', 'etl_taskflow', 'failing_task_example', 'orders_report', 'sensor_branching']);
        const errors = await airflow.waitFor<{ import_errors: { filename: string; stack_trace: string }[] }>('/importErrors', (b) => b.import_errors.length > 0, 60_000);
        assert.deepEqual(errors.import_errors.map((e) => e.filename), ['broken_import_example.py']);
        assert.match(errors.import_errors[0].stack_trace, /No module named 'airflow\.providers\.snowflake'/);
      } finally {
        await airflow.stop();
      }
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

    it('cfn-lint passes on the scaffolded template and the names were substituted', () => {
      const file = path.join(project, 'infra', 'cloudformation', 'airflow-ecs.yaml');
      const template = parseCloudFormationYaml(fs.readFileSync(file, 'utf8'), file) as Obj;
      const lint = cfnLint(file);
      assert.equal(lint.status, 0, lint.stdout);
      const params = template.Parameters as Record<string, Obj>;
      assert.equal(params.ProjectName.Default, 'orders-etl');
      assert.equal(params.EcrRepositoryName.Default, 'orders-airflow');
      assert.match(String(params.ProjectName.AllowedPattern), /\^/);
      assert.match('orders-etl', new RegExp(String(params.ProjectName.AllowedPattern)));
    });

    it('docker-compose accepts both compose files', () => {
      for (const file of ['docker-compose.yml', 'docker-compose.ecs.yml']) {
        const result = run('docker-compose', ['-f', file, '--env-file', '.env.example', 'config'], {
          cwd: path.join(project, 'infra', 'compose'), env: { ...process.env, AWS_ACCOUNT_ID: '123456789012', IMAGE_TAG: 'build-1' },
        });
        assert.equal(result.status, 0, result.stderr);
        if (file.includes('ecs')) assert.match(result.stdout, /awslogs-region: eu-west-2/);
        else assert.ok(result.stdout.includes(`${project}/dags:/opt/airflow/dags`), 'dags/ of the project root is not mounted');
      }
    });

    it('the DAG tests and the quality gate tests pass where the pipeline runs them', () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-scaffolded-'));
      const dags = run(path.join(pythonToolBin('airflow'), 'python'), ['-m', 'unittest', 'discover', '-s', 'tests'], {
        cwd: project, env: { ...process.env, AIRFLOW_HOME: home, REQUIRE_AIRFLOW: '1' },
      });
      fs.rmSync(home, { recursive: true, force: true });
      assert.equal(dags.status, 0, dags.stderr.slice(-4000));
      assert.ok(ranTests(dags.stderr) >= 18);
      assert.doesNotMatch(dags.stderr, /skipped/);
      const gate = run('python3', ['-m', 'unittest', 'discover', '-s', 'infra/scripts', '-p', 'test_*.py'], { cwd: project });
      assert.equal(gate.status, 0, gate.stderr);
      assert.ok(ranTests(gate.stderr) > 0);
    });
  });
});
