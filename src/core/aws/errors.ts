/** Typed AWS failures, so the platform can turn each into a sentence with a next step. */
export type AwsProblemKind =
  | 'noCredentials'
  | 'noRegion'
  | 'ssoExpired'
  | 'unknownProfile'
  | 'invalidEndpoint'
  | 'accessDenied'
  | 'throttled'
  | 'notFound'
  | 'network'
  /** The endpoint answered, but not like AWS: an HTML page, a proxy's answer, something not JSON. */
  | 'badResponse'
  /** The endpoint (an emulator) does not implement the operation. */
  | 'unsupported'
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
  /** The raw HTTP response the SDK attaches when it could not read the answer. */
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN']);

function networkCode(err: ErrorLike | undefined, depth = 0): string | undefined {
  if (!err || depth > 3) return undefined;
  if (err.code && NETWORK_CODES.has(err.code)) return err.code;
  return networkCode(err.cause as ErrorLike | undefined, depth + 1);
}

/** The SDK appends this hint (and a field name) to a response it could not deserialize. */
const DESERIALIZATION_HINT = /\s*Deserialization error:[\s\S]*$/;

/**
 * An answer the SDK could not read as AWS's (HTML error page, a proxy's reply, plain text), in
 * words: what came back from where, and what to check. Undefined for anything else.
 */
function unreadableAnswer(err: ErrorLike, action: string, endpoint: string | undefined): AwsProblem | undefined {
  const message = err.message ?? '';
  if (err.name !== 'SyntaxError' && !DESERIALIZATION_HINT.test(message)) return undefined;
  const status = err.$response?.statusCode ?? err.$metadata?.httpStatusCode;
  const type = Object.entries(err.$response?.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  const html = /html/i.test(type) || /Unexpected token '<'/.test(message);
  const mediaType = type.split(';')[0].trim();
  const what = html ? 'an HTML page' : mediaType && !/json/i.test(mediaType) ? `a ${mediaType} answer` : 'an answer the AWS SDK could not read';
  const http = status ? ` (HTTP ${status})` : '';
  const where = endpoint ? `The endpoint ${endpoint}` : 'AWS';
  const check = endpoint
    ? 'check the endpoint URL setting (airflowEcs.aws.endpointUrl)'
    : 'a proxy or captive portal may be answering for AWS; check your network or proxy settings';
  return new AwsProblem('badResponse', `${where} answered ${action} with ${what}${http}, not an AWS response: ${check}.`);
}

/** Names an emulator gives an operation it lacks (LocalStack, moto, our test endpoint). */
const UNSUPPORTED = /UnknownOperation|NotImplemented|InvalidAction|UnsupportedOperation/i;

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
  const unreadable = unreadableAnswer(err, action, endpoint);
  if (unreadable) return unreadable;
  if (UNSUPPORTED.test(name)) {
    const where = endpoint ? `The endpoint ${endpoint}` : 'This AWS endpoint';
    return new AwsProblem('unsupported', `${where} does not support ${action} (${name}): an emulator may lack it; check the endpoint URL setting (airflowEcs.aws.endpointUrl).`, action);
  }
  if (/NotFound/i.test(name)) return new AwsProblem('notFound', message);
  const code = networkCode(err);
  if (code || name === 'TimeoutError') {
    const where = endpoint ? `the endpoint ${endpoint}` : 'AWS';
    return new AwsProblem('network', `Could not reach ${where} (${code ?? 'timed out'}).`);
  }
  return new AwsProblem('other', `${action} failed: ${message.replace(DESERIALIZATION_HINT, '')}`);
}
