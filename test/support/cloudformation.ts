/**
 * Parses CloudFormation YAML (short-form intrinsic tags included) with the `yaml`
 * package and checks that every reference in a template points at something defined.
 * Tags become the long JSON form (`!Ref X` -> `{ Ref: X }`, `!GetAtt A.B` ->
 * `{ 'Fn::GetAtt': ['A', 'B'] }`), so templates written either way are checked alike.
 */
import { parseDocument, type Tags } from 'yaml';

type Json = unknown;

const FN_TAGS = [
  'Sub', 'Join', 'Select', 'If', 'Equals', 'Not', 'And', 'Or', 'FindInMap', 'Base64',
  'Cidr', 'GetAZs', 'ImportValue', 'Split', 'GetAtt',
];

function collectionToJson(value: { toJSON(): unknown }): Json {
  return value.toJSON();
}

function buildTags(): Tags {
  const tags: Tags = [];
  // !Ref and !Condition are scalar-only.
  tags.push({ tag: '!Ref', resolve: (v: string) => ({ Ref: v }) });
  tags.push({ tag: '!Condition', resolve: (v: string) => ({ Condition: v }) });
  for (const fn of FN_TAGS) {
    const key = `Fn::${fn}`;
    tags.push({
      tag: `!${fn}`,
      resolve: (v: string) => {
        if (fn === 'GetAtt') {
          const dot = v.indexOf('.');
          return { [key]: dot < 0 ? [v] : [v.slice(0, dot), v.slice(dot + 1)] };
        }
        return { [key]: v };
      },
    });
    tags.push({ tag: `!${fn}`, collection: 'seq', resolve: (v) => ({ [key]: collectionToJson(v) }) });
    tags.push({ tag: `!${fn}`, collection: 'map', resolve: (v) => ({ [key]: collectionToJson(v) }) });
  }
  return tags;
}

const CFN_TAGS = buildTags();

/** Parses YAML with the CloudFormation tags; throws on any YAML error or unknown tag. */
export function parseCloudFormationYaml(text: string, name = 'template'): Json {
  const doc = parseDocument(text, { customTags: CFN_TAGS, prettyErrors: true, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => `${name}: ${e.message}`);
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
  return doc.toJS({ maxAliasCount: 1000 });
}

export const PSEUDO_PARAMETERS = new Set([
  'AWS::Region', 'AWS::AccountId', 'AWS::StackName', 'AWS::Partition', 'AWS::URLSuffix',
  'AWS::NoValue', 'AWS::StackId', 'AWS::NotificationARNs',
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `${X}` and `${X.Attr}` names in a Fn::Sub string; `${!Literal}` is skipped. */
export function subVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const inner = match[1].trim();
    if (!inner.startsWith('!')) names.push(inner);
  }
  return names;
}

/** Returns one sentence per dangling reference; empty when the template is consistent. */
export function checkReferences(template: Json): string[] {
  if (!isObject(template)) return ['template is not a mapping'];
  const parameters = new Set(Object.keys(isObject(template.Parameters) ? template.Parameters : {}));
  const resources = new Set(Object.keys(isObject(template.Resources) ? template.Resources : {}));
  const conditions = new Set(Object.keys(isObject(template.Conditions) ? template.Conditions : {}));
  const problems: string[] = [];

  const refTarget = (name: string, where: string, local: Set<string>): void => {
    if (!parameters.has(name) && !resources.has(name) && !PSEUDO_PARAMETERS.has(name) && !local.has(name)) {
      problems.push(`${where}: ${name} is not a parameter, resource or pseudo parameter`);
    }
  };
  const attTarget = (resource: string, where: string): void => {
    if (!resources.has(resource)) problems.push(`${where}: GetAtt target ${resource} is not a resource`);
  };
  const conditionTarget = (name: unknown, where: string): void => {
    if (typeof name !== 'string' || !conditions.has(name)) {
      problems.push(`${where}: condition ${String(name)} is not defined`);
    }
  };

  const walk = (node: unknown, where: string, local: Set<string>): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${where}[${i}]`, local));
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const here = `${where}.${key}`;
      if (key === 'Ref' && typeof value === 'string') {
        refTarget(value, here, local);
      } else if (key === 'Fn::GetAtt') {
        const target = typeof value === 'string' ? value.split('.')[0] : Array.isArray(value) ? value[0] : undefined;
        if (typeof target === 'string') attTarget(target, here);
        else walk(value, here, local);
      } else if (key === 'Fn::Sub') {
        const [text, vars] = typeof value === 'string' ? [value, {}] : Array.isArray(value) ? [value[0], value[1] ?? {}] : [undefined, {}];
        const localNames = new Set([...local, ...Object.keys(isObject(vars) ? vars : {})]);
        if (typeof text === 'string') {
          for (const variable of subVariables(text)) {
            const dot = variable.indexOf('.');
            if (dot >= 0 && !localNames.has(variable)) attTarget(variable.slice(0, dot), `${here} \${${variable}}`);
            else refTarget(variable, `${here} \${${variable}}`, localNames);
          }
        }
        walk(vars, here, local);
      } else if (key === 'Fn::If') {
        if (Array.isArray(value)) {
          conditionTarget(value[0], here);
          walk(value.slice(1), here, local);
        } else {
          problems.push(`${here}: Fn::If needs [condition, then, else]`);
        }
      } else if (key === 'Condition' && typeof value === 'string') {
        // Resource/Output-level `Condition: Name` and the !Condition intrinsic.
        // (IAM policy `Condition` blocks are mappings and are walked normally.)
        conditionTarget(value, here);
      } else if (key === 'DependsOn') {
        for (const dep of Array.isArray(value) ? value : [value]) {
          if (typeof dep !== 'string' || !resources.has(dep)) problems.push(`${here}: DependsOn ${String(dep)} is not a resource`);
        }
      } else {
        walk(value, here, local);
      }
    }
  };

  for (const section of ['Conditions', 'Resources', 'Outputs'] as const) {
    walk(template[section], section, new Set());
  }
  return problems;
}
