import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

interface Command { command: string; title: string; icon?: string; enablement?: string; category?: string }

/**
 * VS Code passes a view/title command the focused row, so a title action run after a click on a
 * row would act on that row. Every title entry therefore names the `.title` variant the command
 * registry adds (it passes VIEW_TITLE instead): checked here for every view.
 */
describe('view title actions', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { commands: Command[]; menus: Record<string, { command: string; when?: string }[]> };
  };
  const commands = new Map(pkg.contributes.commands.map((c) => [c.command, c]));
  const titleEntries = pkg.contributes.menus['view/title'];

  it('every view/title entry names a `.title` variant of a contributed command', () => {
    assert.ok(titleEntries.length > 0);
    const offenders = titleEntries.filter((e) => !e.command.endsWith('.title') || !commands.has(e.command.slice(0, -'.title'.length)));
    assert.deepEqual(offenders, []);
  });

  it('a `.title` variant looks like its command and is hidden from the palette', () => {
    for (const e of titleEntries) {
      const variant = commands.get(e.command);
      const base = commands.get(e.command.slice(0, -'.title'.length));
      assert.ok(variant && base, e.command);
      assert.deepEqual({ ...variant, command: base.command }, base, e.command);
      assert.ok(pkg.contributes.menus.commandPalette.some((p) => p.command === e.command && p.when === 'false'), `${e.command} is in the palette`);
    }
  });

  it('no `.title` command is contributed anywhere but a view title', () => {
    const titleIds = new Set(titleEntries.map((e) => e.command));
    const stray = pkg.contributes.commands.filter((c) => c.command.endsWith('.title') && !titleIds.has(c.command));
    assert.deepEqual(stray, []);
    for (const [menu, entries] of Object.entries(pkg.contributes.menus)) {
      if (menu === 'view/title' || menu === 'commandPalette') continue;
      assert.deepEqual(entries.filter((e) => e.command.endsWith('.title')), [], menu);
    }
  });
});
