/**
 * Pure logic of "Airflow on ECS: Initialize Project": which template files go where,
 * with the user's names filled in, and writing them without ever overwriting a file
 * the user did not explicitly allow. Plain Node only (no `vscode`).
 *
 * Substitution scheme. The templates must stay valid YAML / compose / CloudFormation /
 * Python as they sit in the extension (the integration tests run real tools on them),
 * so they carry no `{{placeholders}}`. Instead they use fixed default names, and the
 * scaffold swaps those defaults for the user's values:
 *
 *   airflow-ecs-image  -> repositoryName (ECR repository)
 *   airflow-ecs        -> projectName    (stack name, resource prefix, log group, Sonar keys)
 *   us-east-1          -> region
 *
 * A default is replaced only as a whole name: not when preceded by a letter, digit, `-`
 * or `_`, nor when followed by a letter or digit. So `airflow-ecs-worker` becomes
 * `<project>-worker` and `airflow-ecs_dags` becomes `<project>_dags`, while
 * `apache/airflow` or `us-east-10` are left alone. One regular expression with the
 * longest default first does every replacement in a single pass, so a value that
 * itself contains a default (say projectName `airflow-ecs-prod`) is never replaced twice.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export type ScaffoldPartId = 'dags' | 'docker' | 'compose' | 'codebuild' | 'cloudformation' | 'scripts';

export interface ScaffoldPart {
  readonly id: ScaffoldPartId;
  readonly label: string;
  readonly description: string;
  /** Paths relative to the extension root (file or folder) and where they go in the project. */
  readonly sources: readonly { readonly from: string; readonly to: string }[];
}

export const SCAFFOLD_PARTS: readonly ScaffoldPart[] = [
  {
    id: 'dags',
    label: 'Sample DAGs and tests',
    description: 'dags/ with Airflow 3 example DAGs (TaskFlow, assets, a sensor, two deliberate bad examples), tests/ runnable with python -m unittest with or without Airflow, and sonar-project.properties',
    sources: [
      { from: 'sample-dags/dags', to: 'dags' },
      { from: 'sample-dags/tests', to: 'tests' },
      { from: 'sample-dags/sonar-project.properties', to: 'sonar-project.properties' },
    ],
  },
  {
    id: 'docker',
    label: 'Airflow Dockerfile',
    description: 'infra/docker: Airflow 3.3 image with build-number and commit labels, requirements.txt and pinned constraints.txt',
    sources: [{ from: 'infra-templates/docker', to: 'infra/docker' }],
  },
  {
    id: 'compose',
    label: 'Local stack (docker-compose)',
    description: 'infra/compose: postgres, redis, api-server, scheduler, dag-processor, triggerer, workers, flower; plus the ECS reference files',
    sources: [{ from: 'infra-templates/compose', to: 'infra/compose' }],
  },
  {
    id: 'codebuild',
    label: 'CodeBuild buildspecs',
    description: 'infra/codebuild: image pipeline (build, label, push to ECR, roll out) and DAG pipeline (DagBag tests, SonarCloud, gate, EFS)',
    sources: [{ from: 'infra-templates/codebuild', to: 'infra/codebuild' }],
  },
  {
    id: 'cloudformation',
    label: 'CloudFormation stack',
    description: 'infra/cloudformation: ECS cluster and services behind a load balancer, database migration, EFS, Aurora Serverless v2, Redis, ECR, CodeBuild, IAM',
    sources: [{ from: 'infra-templates/cloudformation', to: 'infra/cloudformation' }],
  },
  {
    id: 'scripts',
    label: 'Quality gate script',
    description: 'infra/scripts: quality_gate.py (waits for SonarCloud, fails on new_security_rating or the whole gate) and roll_out_image.sh',
    sources: [{ from: 'infra-templates/scripts', to: 'infra/scripts' }],
  },
];

export interface ScaffoldValues {
  readonly projectName: string;
  readonly region: string;
  readonly repositoryName: string;
}

/** The names the templates are written with. */
export const TEMPLATE_DEFAULTS: ScaffoldValues = {
  projectName: 'airflow-ecs',
  region: 'us-east-1',
  repositoryName: 'airflow-ecs-image',
};

export interface PlannedFile {
  /** Absolute path of the template file. */
  readonly source: string;
  /** Absolute path it will be written to. */
  readonly target: string;
  /** Target relative to the project root, with `/` separators; the key for `overwrite`. */
  readonly relativeTarget: string;
  readonly content: string;
  readonly mode: number;
  readonly exists: boolean;
  /** True when the target exists with exactly this content. */
  readonly identical: boolean;
}

export interface ScaffoldPlan {
  readonly targetRoot: string;
  readonly files: readonly PlannedFile[];
}

export interface PlanOptions {
  readonly extensionRoot: string;
  readonly targetRoot: string;
  readonly parts: readonly ScaffoldPartId[];
  readonly values: ScaffoldValues;
}

export interface ApplyResult {
  readonly written: string[];
  readonly unchanged: string[];
  /** Existing, different files left alone because they were not in `overwrite`. */
  readonly skipped: string[];
}

const SKIPPED_NAMES = new Set(['__pycache__', '.scannerwork', '.env', '.DS_Store']);
const SKIPPED_SUFFIXES = ['.pyc', '.pyo'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces the template defaults by the given values (see the comment at the top). */
export function substitute(content: string, values: ScaffoldValues): string {
  const byDefault = new Map<string, string>([
    [TEMPLATE_DEFAULTS.repositoryName, values.repositoryName],
    [TEMPLATE_DEFAULTS.projectName, values.projectName],
    [TEMPLATE_DEFAULTS.region, values.region],
  ]);
  const alternatives = [...byDefault.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(`(?<![A-Za-z0-9_-])(?:${alternatives.join('|')})(?![A-Za-z0-9])`, 'g');
  return content.replace(pattern, (match) => byDefault.get(match) ?? match);
}

export function validateProjectName(name: string): string | undefined {
  if (!/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/.test(name) || name.includes('--')) {
    return 'The project name must be 3 to 32 lowercase letters, digits or single hyphens, start with a letter and not end with a hyphen.';
  }
  return undefined;
}

export function validateRepositoryName(name: string): string | undefined {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name) || name.length < 2 || name.length > 256) {
    return 'The repository name must be 2 to 256 lowercase letters, digits or single hyphens, and start and end with a letter or digit.';
  }
  return undefined;
}

export function validateRegion(region: string): string | undefined {
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
    return `"${region}" is not an AWS region code; use one like us-east-1, eu-west-2 or us-gov-west-1.`;
  }
  return undefined;
}

/** First problem with the values, as a sentence for the user, or undefined when all are valid. */
export function validateScaffoldValues(values: ScaffoldValues): string | undefined {
  return validateProjectName(values.projectName)
    ?? validateRegion(values.region)
    ?? validateRepositoryName(values.repositoryName);
}

async function listTemplateFiles(root: string): Promise<string[]> {
  const stat = await fs.stat(root);
  if (stat.isFile()) return [root];
  const out: string[] = [];
  const entries = await fs.readdir(root, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIPPED_NAMES.has(entry.name) || SKIPPED_SUFFIXES.some((s) => entry.name.endsWith(s))) continue;
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) out.push(...await listTemplateFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Lists every file the chosen parts would write, with its final content and whether it clashes. */
export async function planScaffold(options: PlanOptions): Promise<ScaffoldPlan> {
  const problem = validateScaffoldValues(options.values);
  if (problem) throw new Error(problem);
  const unknown = options.parts.filter((id) => !SCAFFOLD_PARTS.some((p) => p.id === id));
  if (unknown.length > 0) throw new Error(`Unknown scaffold part(s): ${unknown.join(', ')}.`);

  const targetRoot = path.resolve(options.targetRoot);
  const files: PlannedFile[] = [];
  const seen = new Set<string>();
  for (const part of SCAFFOLD_PARTS.filter((p) => options.parts.includes(p.id))) {
    for (const { from, to } of part.sources) {
      const sourceRoot = path.join(options.extensionRoot, from);
      for (const source of await listTemplateFiles(sourceRoot)) {
        const relativeTarget = path.posix.join(to, path.relative(sourceRoot, source).split(path.sep).join('/'));
        if (seen.has(relativeTarget)) continue;
        seen.add(relativeTarget);
        const target = path.join(targetRoot, ...relativeTarget.split('/'));
        const [raw, stat, existing] = await Promise.all([fs.readFile(source, 'utf8'), fs.stat(source), readIfExists(target)]);
        const content = substitute(raw, options.values);
        files.push({
          source, target, relativeTarget, content, mode: stat.mode & 0o777,
          exists: existing !== undefined,
          identical: existing === content,
        });
      }
    }
  }
  return { targetRoot, files };
}

/**
 * Writes the plan. New files are created (exclusively, so a file that appeared since
 * planning is never clobbered); existing files are replaced only when their relative
 * target is in `overwrite`.
 */
export async function applyScaffold(plan: ScaffoldPlan, options: { overwrite: ReadonlySet<string> }): Promise<ApplyResult> {
  const result: ApplyResult = { written: [], unchanged: [], skipped: [] };
  for (const file of plan.files) {
    const current = await readIfExists(file.target);
    if (current === file.content) {
      result.unchanged.push(file.relativeTarget);
      continue;
    }
    if (current !== undefined && !options.overwrite.has(file.relativeTarget)) {
      result.skipped.push(file.relativeTarget);
      continue;
    }
    await fs.mkdir(path.dirname(file.target), { recursive: true });
    try {
      await fs.writeFile(file.target, file.content, { flag: current === undefined ? 'wx' : 'w', mode: file.mode });
      result.written.push(file.relativeTarget);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      result.skipped.push(file.relativeTarget);
    }
  }
  return result;
}
