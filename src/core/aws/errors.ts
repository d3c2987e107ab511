/** Typed AWS failures, so the platform can turn each into a sentence with a next step. */
export type AwsProblemKind =
  | 'noCredentials'
  | 'ssoExpired'
  | 'unknownProfile'
  | 'invalidEndpoint'
  | 'accessDenied'
  | 'throttled'
  | 'notFound'
  | 'network'
  | 'aborted'
  | 'other';

export class AwsProblem extends Error {
  constructor(
    readonly kind: AwsProblemKind,
    message: string,
    /** The IAM action that was denied, e.g. `ecs:StopTask`. */
    readonly action?: string,
  ) {
    super(message);
    this.name = 'AwsProblem';
  }
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN']);

function networkCode(err: ErrorLike | undefined, depth = 0): string | undefined {
  if (!err || depth > 3) return undefined;
  if (err.code && NETWORK_CODES.has(err.code)) return err.code;
  return networkCode(err.cause as ErrorLike | undefined, depth + 1);
}

/**
 * Classifies an SDK error. `action` is the IAM action of the call (`ecs:ListTasks`), named
 * when access is denied; `endpoint` is the override in use, named when it does not answer.
 */
export function toAwsProblem(error: unknown, action: string, endpoint?: string): AwsProblem {
  if (error instanceof AwsProblem) return error;
  const err = (error ?? {}) as ErrorLike;
  const name = err.name ?? '';
  const message = err.message ?? String(error);

  if (name === 'AbortError' || /aborted/i.test(name)) return new AwsProblem('aborted', 'The request was cancelled.');
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    if (/sso/i.test(message) && /(expired|refresh|invalid)/i.test(message)) {
      return new AwsProblem('ssoExpired', 'Your AWS SSO session has expired.');
    }
    return new AwsProblem('noCredentials', 'No AWS credentials were found for this profile.');
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || err.$metadata?.httpStatusCode === 403) {
    const denied = /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1] ?? action;
    return new AwsProblem('accessDenied', `Access denied: your AWS identity is not allowed to call ${denied}.`, denied);
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name)) {
    return new AwsProblem('throttled', `AWS is throttling ${action} requests; try again in a moment.`);
  }
  if (/NotFound/i.test(name)) return new AwsProblem('notFound', message);
  const code = networkCode(err);
  if (code || name === 'TimeoutError') {
    const where = endpoint ? `the endpoint ${endpoint}` : 'AWS';
    return new AwsProblem('network', `Could not reach ${where} (${code ?? 'timed out'}).`);
  }
  return new AwsProblem('other', `${action} failed: ${message}`);
}
