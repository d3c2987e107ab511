import type { Logger } from '../../../core/log';
import type { TailSessions } from '../../../platform/tailSessions';
import type { LocalStack } from '../stack';
import type { StackTreeProvider } from '../stackTree';

/** What the Local Stack's commands share. */
export interface LocalStackDeps {
  stack: LocalStack;
  tree: StackTreeProvider;
  logger: Logger;
  /** The window's log tails: the Logs command runs its tails there, one per service or project. */
  tails: TailSessions;
}
