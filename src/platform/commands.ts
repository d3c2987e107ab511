import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { reportError } from './errors';

export type CommandHandler = (...args: never[]) => unknown;

/**
 * What a command receives when run from a view's title bar. VS Code passes a view/title command
 * the focused row and the selection, which a handler cannot tell from a click on that row; so
 * every view/title entry names `<id>.title`, registered here to call `<id>` with this instead.
 * Handlers treat it as "the whole view" (a row-less command may ignore it like any argument).
 */
export const VIEW_TITLE: unique symbol = Symbol('view title');

export const TITLE_SUFFIX = '.title';

/** Registers commands once each; failures become a message with next steps, never a stack trace. */
export class CommandRegistry {
  private readonly ids = new Set<string>();
  /** Commands the package contributes to view titles, by their `.title` id. */
  private readonly titleIds: Set<string>;

  constructor(private readonly context: vscode.ExtensionContext, private readonly logger: Logger) {
    const menus = (context.extension.packageJSON as { contributes?: { menus?: Record<string, { command: string }[]> } }).contributes?.menus;
    this.titleIds = new Set((menus?.['view/title'] ?? []).map((m) => m.command));
  }

  /** Registers a feature's command table: each entry builds its handler from the feature's deps. */
  registerAll<D>(table: Record<string, (deps: D) => CommandHandler>, deps: D): void {
    for (const [id, make] of Object.entries(table)) this.register(id, make(deps));
  }

  register(id: string, handler: CommandHandler): void {
    if (this.ids.has(id)) throw new Error(`Command ${id} is registered twice.`);
    this.ids.add(id);
    this.context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        this.logger.debug(`command ${id}`);
        try {
          return await (handler as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          await reportError(err, this.logger, id);
          return undefined;
        }
      }),
    );
    if (this.titleIds.has(id + TITLE_SUFFIX)) {
      this.register(id + TITLE_SUFFIX, () => (handler as (arg: typeof VIEW_TITLE) => unknown)(VIEW_TITLE));
    }
  }
}

/** An AbortSignal that fires when the token is cancelled. */
export function toAbortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
