import type * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import type { CommandRegistry } from '../../platform/commands';
import { COMMANDS } from './commandIds';
import { TailSessions } from '../../platform/tailSessions';
import type { LogsDeps } from './commands/deps';
import { stopTail } from './commands/stopTail';
import { stopAllTails } from './commands/stopAllTails';
import { filterTail } from './commands/filterTail';
import { clearTail } from './commands/clearTail';

export interface LogsServices {
  session: AwsSession;
  registry: CommandRegistry;
  logger: Logger;
}

/** Log tails into output channels. Nothing runs until a tail is started. */
export function activateLogs(context: vscode.ExtensionContext, services: LogsServices): TailSessions {
  const tails = new TailSessions(services.session, services.logger, { stop: COMMANDS.stop, filter: COMMANDS.filter });
  context.subscriptions.push(tails);
  const deps: LogsDeps = { ...services, tails };
  const handlers = {
    [COMMANDS.stop]: stopTail,
    [COMMANDS.stopAll]: stopAllTails,
    [COMMANDS.filter]: filterTail,
    [COMMANDS.clear]: clearTail,
  };
  services.registry.registerAll(handlers, deps);
  return tails;
}
