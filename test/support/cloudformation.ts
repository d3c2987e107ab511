/**
 * Parses CloudFormation YAML (short-form intrinsic tags included) with the `yaml`
 * package, so tests can assert on a template's structure. Tags become the long JSON form
 * (`!Ref X` -> `{ Ref: X }`, `!GetAtt A.B` -> `{ 'Fn::GetAtt': ['A', 'B'] }`). Whether every
 * reference resolves is cfn-lint's job (test/integration/infraTemplates.test.ts).
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
