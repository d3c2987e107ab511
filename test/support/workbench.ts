// Playwright helpers that drive Debian's Chromium against a code-server workbench.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { repoRoot } from './codeServer';

export const testResultsDir = path.join(repoRoot, 'test-results');

export interface PayloadOptions {
  folder: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}

/**
 * The workbench URL that opens `folder` and, through the `payload` parameter VS Code's own browser
 * tests use, loads an extension in development mode and/or runs an extension test suite.
 */
export function payloadUrl(serverUrl: string, port: number, opts: PayloadOptions): string {
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
  const payload: [string, string][] = [];
  if (opts.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)]);
  }
  if (opts.extensionTestsPath) {
    payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
  }
  payload.push(['skipWelcome', 'true']);
  const base = serverUrl.replace(/\/+$/, '');
  return `${base}/?folder=${encodeURIComponent(path.resolve(opts.folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface Workbench extends Browser {
  /** Runs a command from the palette by its full title, e.g. "Airflow on ECS: Show Log". */
  runCommand(title: string): Promise<void>;
  /**
   * Opens the command palette, types the title and returns the row listing that command. Retries
   * for up to 30 s: right after the workbench loads, extensions may not have registered yet.
   */
  findCommand(title: string): Promise<Locator>;
  screenshot(name: string): Promise<string>;
  treeRow(label: string): Locator;
  waitForNotification(text: string): Promise<Locator>;
  clickActivityBar(title: string): Promise<void>;
  contextMenu(row: Locator, itemLabel: string): Promise<void>;
  /**
   * Clicks like a person on a busy machine: the pointer leaves first so hovers and tooltips close,
   * a click that an overlay swallowed is retried, and with `until` the click is repeated until the
   * state it should lead to shows (each wait bounded; the last failure is thrown).
   */
  click(target: Locator, opts?: ClickOptions): Promise<void>;
  /** Expands a tree row (clicking only while it is collapsed) until `child` shows. */
  expand(row: Locator, child: Locator): Promise<void>;
  /** Moves the pointer to an empty spot and waits for hovers and tooltips to close. */
  clearOverlays(): Promise<void>;
  /** Runs a view's title-bar action: a toolbar button, else an item of its "More Actions..." menu. */
  viewTitleAction(viewTitle: string, actionTitle: string): Promise<void>;
  /** Drags the side bar's edge so long tree descriptions fit in screenshots. */
  widenSideBar(width: number): Promise<void>;
  /** Expands or collapses a view of the side bar by its header's title. */
  setViewExpanded(title: string, expanded: boolean): Promise<Locator>;
  /** Gives one view the whole side bar, collapsing the others: a tree is virtual, rows out of sight are not drawn. */
  focusView(title: string): Promise<Locator>;
  /** Opens a workspace file with Quick Open at a line: the editor draws only the lines in view. */
  openFileAt(fileName: string, line: number): Promise<void>;
  /** Types into the password box an extension opened, and submits it. */
  enterPassword(secret: string): Promise<void>;
}

export interface ClickOptions {
  button?: 'left' | 'right';
  /** Resolves once the click had its effect; gets the time it may wait. */
  until?: (timeoutMs: number) => Promise<unknown>;
  attempts?: number;
  /** Hovered before the click: view title actions only show while their header is hovered. */
  hover?: Locator;
}

const OVERLAYS = '.workbench-hover-container, .monaco-hover:not(.hidden), .context-view .monaco-hover';

export async function openWorkbench(url: string, opts: { timeoutMs?: number } = {}): Promise<Workbench> {
  const browser = await launchBrowser();
  const { page } = browser;
  const timeout = opts.timeoutMs ?? 60_000;
  try {
    await page.goto(url);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout });
  } catch (err) {
    await browser.close();
    throw err;
  }

  const quickInput = page.locator('.quick-input-widget input');
  const paletteRows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

  const openPalette = async (text: string): Promise<void> => {
    // A key press right after the workbench loads is sometimes swallowed: retry F1.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('F1');
      try {
        await quickInput.waitFor({ state: 'visible', timeout: 3000 });
        break;
      } catch (err) {
        if (attempt === 5) {
          throw new Error(`the command palette did not open after ${attempt} presses of F1: ${err}`);
        }
      }
    }
    await quickInput.fill(`>${text}`);
  };

  const findCommand = async (title: string): Promise<Locator> => {
    const row = paletteRows.filter({ hasText: title }).first();
    const deadline = Date.now() + 30_000;
    for (;;) {
      await openPalette(title);
      try {
        await row.waitFor({ timeout: 3000 });
        return row;
      } catch (err) {
        if (Date.now() > deadline) {
          throw new Error(`the command palette lists no command "${title}": ${err}`);
        }
        await page.keyboard.press('Escape');
      }
    }
  };

  const clearOverlays = async (): Promise<void> => {
    // The lower part of the activity bar is empty and shows no hover of its own.
    const bar = await page.locator('.part.activitybar').boundingBox();
    if (bar) await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height * 0.7);
    await page.waitForFunction(
      (selector) => ![...document.querySelectorAll<HTMLElement>(selector)].some((el) => el.offsetParent !== null && el.getBoundingClientRect().height > 0),
      OVERLAYS,
      { timeout: 5000 },
    ).catch(() => page.keyboard.press('Escape'));
  };

  const click = async (target: Locator, opts: ClickOptions = {}): Promise<void> => {
    const attempts = opts.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      const last = attempt === attempts;
      await clearOverlays();
      try {
        if (opts.hover) await opts.hover.hover({ timeout: last ? 30_000 : 5000 });
        await target.click({ button: opts.button ?? 'left', timeout: last ? 30_000 : 5000 });
        if (opts.until) await opts.until(last ? 30_000 : 8000);
        return;
      } catch (err) {
        if (last) throw err;
      }
    }
  };

  const expand = async (row: Locator, child: Locator): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const last = attempt === 4;
      await clearOverlays();
      try {
        // A second click on an expanded row would collapse it again.
        if ((await row.first().getAttribute('aria-expanded', { timeout: last ? 30_000 : 5000 })) !== 'true') {
          await row.first().click({ timeout: last ? 30_000 : 5000 });
        }
        await child.first().waitFor({ timeout: last ? 30_000 : 8000 });
        return;
      } catch (err) {
        if (last) throw err;
      }
    }
  };

  const setViewExpanded = async (title: string, expanded: boolean): Promise<Locator> => {
    const header = page.locator(`.pane-header[aria-label^="${title}"]`).first();
    await header.waitFor();
    if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await click(header, { until: (timeout) => page.locator(`.pane-header[aria-label^="${title}"][aria-expanded="${expanded}"]`).first().waitFor({ timeout }) });
    return header;
  };

  return {
    ...browser,
    click,
    expand,
    clearOverlays,
    findCommand,
    runCommand: async (title) => {
      await findCommand(title);
      await quickInput.press('Enter');
    },
    screenshot: async (name) => {
      fs.mkdirSync(testResultsDir, { recursive: true });
      const file = path.join(testResultsDir, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    treeRow: (label) => page.locator('.pane-body .monaco-list-row').filter({ hasText: label }),
    waitForNotification: async (text) => {
      const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
      await toast.waitFor({ timeout: 30_000 });
      return toast;
    },
    clickActivityBar: async (title) => {
      await page.locator(`.activitybar [aria-label^="${title}"]`).first().click();
    },
    widenSideBar: async (width) => {
      const box = await page.locator('.part.sidebar').boundingBox();
      if (!box) throw new Error('the side bar is not visible');
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width - 1, y);
      await page.mouse.down();
      await page.mouse.move(box.x + width, y, { steps: 5 });
      await page.mouse.up();
    },
    setViewExpanded,
    focusView: async (title) => {
      const headers = await page.locator('.part.sidebar .pane-header').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      for (const other of headers.filter((h) => h && !h.startsWith(title))) await setViewExpanded(other, false);
      return setViewExpanded(title, true);
    },
    openFileAt: async (fileName, line) => {
      await page.keyboard.press('Control+P');
      await quickInput.waitFor();
      await quickInput.fill(`${fileName}:${line}`);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: fileName }).first().waitFor();
      await quickInput.press('Enter');
    },
    enterPassword: async (secret) => {
      const input = page.locator('.quick-input-widget input[type="password"]');
      await input.waitFor({ timeout: 15_000 });
      await input.fill(secret);
      await input.press('Enter');
    },
    viewTitleAction: async (viewTitle, actionTitle) => {
      const header = page.locator(`.pane-header[aria-label^="${viewTitle}"]`).first();
      // The toolbar shows on hover; a tooltip or notification may sit over it, so point again on a retry.
      const button = header.locator(`.actions .action-label[aria-label^="${actionTitle}"]`).first();
      for (let attempt = 1; ; attempt++) {
        await header.hover();
        try {
          if (await button.count()) await button.click({ timeout: 3000 });
          else {
            await header.locator('.actions .action-label[aria-label^="More Actions"]').first().click({ timeout: 3000 });
            const item = page.locator('.monaco-menu .action-item', { hasText: actionTitle }).first();
            await item.hover();
            await page.locator('.monaco-menu .action-item.focused', { hasText: actionTitle }).first().waitFor({ timeout: 3000 });
            await page.keyboard.press('Enter');
          }
          return;
        } catch (err) {
          if (attempt === 5) throw new Error(`the ${viewTitle} view has no title action "${actionTitle}": ${err}`);
          await page.keyboard.press('Escape');
          await page.mouse.move(0, 0);
        }
      }
    },
    contextMenu: async (row, itemLabel) => {
      const menu = page.locator('.monaco-menu .action-item', { hasText: itemLabel }).first();
      await click(row, { button: 'right', until: (timeout) => menu.waitFor({ timeout }) });
      // VS Code's menu runs an item on its own mouse handling, which a synthetic click can miss:
      // point at the item (it takes the highlight) and choose it with Enter, as a keyboard user would.
      await menu.hover();
      await page.locator('.monaco-menu .action-item.focused', { hasText: itemLabel }).first().waitFor();
      await page.keyboard.press('Enter');
    },
  };
}
