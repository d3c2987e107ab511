import type { LogFollower } from '../../../core/docker/logFollower';
import type { Logger } from '../../../core/log';
import type { LocalStack } from '../stack';
import type { StackTreeProvider } from '../stackTree';

/** What the Local Stack's commands share. */
export interface LocalStackDeps {
  stack: LocalStack;
  tree: StackTreeProvider;
  logger: Logger;
  /** Log followers by output channel name, so a second "Logs" shows the same channel. */
  followers: Map<string, { follower: LogFollower; show(): void }>;
}
