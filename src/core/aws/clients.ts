import type { Logger } from '../log';
import type { AwsConnection } from './connection';
import { toAwsProblem } from './errors';

/**
 * The options every SDK client of ours is built with: the SDK's provider chain (narrowed to a
 * profile only when one is chosen, so environment keys, SSO, web identity and instance roles
 * work as in the AWS CLI), adaptive retry.
 */
export function clientOptions(conn: AwsConnection) {
  return {
    region: conn.region,
    ...(conn.profile ? { profile: conn.profile } : {}),
    endpoint: conn.endpoint,
    retryMode: 'adaptive',
    maxAttempts: 4,
  };
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<{ output?: { $metadata?: { requestId?: string } } }>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Logs every call at debug level (operation, duration, request id; never credentials). */
export function instrumentClient<T>(client: T, service: string, logger: Logger): T {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      const operation = `${service}:${context.commandName?.replace(/Command$/, '') ?? 'unknown'}`;
      const started = Date.now();
      try {
        const result = await next(args);
        logger.debug(`${operation} ${Date.now() - started} ms requestId=${result.output?.$metadata?.requestId ?? '-'}`);
        return result;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { requestId?: string } };
        logger.debug(`${operation} failed after ${Date.now() - started} ms: ${e.name ?? 'Error'} requestId=${e.$metadata?.requestId ?? '-'}`);
        throw err;
      }
    },
    { step: 'initialize', name: 'airflowEcsCallLog' },
  );
  return client;
}

/** Runs one SDK call of `service`, turning its failure into a typed AwsProblem naming `service:action`. */
export function awsCaller(service: string, conn: AwsConnection) {
  return async <T>(action: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw toAwsProblem(err, `${service}:${action}`, conn.endpoint);
    }
  };
}
