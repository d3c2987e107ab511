import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('architecture', () => {
  it('src/core never imports vscode nor anything above it', () => {
    const offenders = sources(path.join(ROOT, 'src/core')).filter((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return /from ['"]vscode['"]|require\(['"]vscode['"]\)|from ['"]\.\.\/(\.\.\/)*(platform|features)\//.test(text);
    });
    assert.deepEqual(offenders, []);
  });

  it('features never import each other, and platform never imports a feature', () => {
    const features = path.join(ROOT, 'src/features');
    const offenders: string[] = [];
    for (const f of sources(path.join(ROOT, 'src'))) {
      const own = path.relative(features, f).split(path.sep)[0];
      const inFeature = !path.relative(features, f).startsWith('..');
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = path.relative(features, path.resolve(path.dirname(f), m[1]));
        if (target.startsWith('..')) continue;
        if (!inFeature || target.split(path.sep)[0] !== own) offenders.push(`${path.relative(ROOT, f)} -> ${m[1]}`);
      }
    }
    assert.deepEqual(offenders.filter((o) => !o.startsWith('src/extension.ts')), []);
  });

  it('starts processes only through the process runner', () => {
    const offenders = sources(path.join(ROOT, 'src')).filter((f) => !f.endsWith(path.join('core', 'process', 'runner.ts'))
      && /['"](node:)?child_process['"]/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('activates lazily: no "*" or onStartupFinished activation event', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.ok(!pkg.activationEvents.some((e: string) => e === '*' || e === 'onStartupFinished'));
  });

  it('declares the endpoint override machine-scoped', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.contributes.configuration.properties['airflowEcs.aws.endpointUrl'].scope, 'machine');
  });

  it('contributes every command the code registers, and nothing else', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
    const registered = new Set<string>();
    for (const f of sources(path.join(ROOT, 'src'))) {
      // Command ids live in id tables: `  name: 'airflowEcs.some.command',`
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/^\s+[A-Za-z]+: '(airflowEcs\.[A-Za-z.]+)',?$/gm)) registered.add(m[1]);
    }
    assert.ok(registered.size >= 10, `found ${registered.size} command ids in the id tables`);
    assert.deepEqual([...registered].filter((id) => !contributed.has(id)), []);
    // `<id>.title` (view titles) is registered by the command registry along with `<id>`.
    assert.deepEqual([...contributed].filter((id) => !registered.has(id) && !(id.endsWith('.title') && registered.has(id.slice(0, -'.title'.length)))), []);
  });
});
