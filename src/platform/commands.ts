import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { reportError } from './errors';

export type CommandHandler = (...args: never[]) => unknown;

/** Registers commands once each; failures become a message with next steps, never a stack trace. */
export class CommandRegistry {
  private readonly ids = new Set<string>();

  constructor(private readonly context: vscode.ExtensionContext, private readonly logger: Logger) {}

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
  }
}

/** An AbortSignal that fires when the token is cancelled. */
export function toAbortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
