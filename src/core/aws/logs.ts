import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Logger } from '../log';
import { clientOptions, instrumentClient } from './clients';
import type { AwsConnection } from './connection';
import { toAwsProblem } from './errors';

/** One event as FilterLogEvents or Live Tail returns it. Live Tail events carry no eventId. */
export interface CloudWatchEvent {
  eventId?: string;
  logStreamName: string;
  timestamp: number;
  ingestionTime?: number;
  message: string;
}

export interface FilterQuery {
  group: string;
  streamPrefix?: string;
  /** At most 100, as the API allows. */
  streamNames?: string[];
  startTime: number;
  endTime?: number;
  filterPattern?: string;
  nextToken?: string;
}

export interface FilterPage {
  events: CloudWatchEvent[];
  nextToken?: string;
}

/** One Live Tail update; `sampled` when the service sent only a sample (above 500 events). */
export interface LiveUpdate {
  events: CloudWatchEvent[];
  sampled: boolean;
}

export interface LiveTailQuery {
  groupArns: string[];
  streamPrefixes?: string[];
  streamNames?: string[];
  filterPattern?: string;
}

/** Live Tail was refused (quota, permission, an endpoint without it); the tail polls instead. */
export class LiveTailRefused extends Error {
  constructor(message: string, readonly reason: string) {
    super(message);
    this.name = 'LiveTailRefused';
  }
}

/** A Live Tail session ended (3-hour timeout, dropped connection); the tail resumes. */
export class LiveTailEnded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveTailEnded';
  }
}

/** CloudWatch rejected the query itself (a malformed filter pattern): its message, verbatim. */
export class LogQueryRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogQueryRejected';
  }
}

/** The CloudWatch Logs calls the extension makes; tests and the bench can supply their own. */
export interface LogsApi {
  filterLogEvents(query: FilterQuery, signal?: AbortSignal): Promise<FilterPage>;
  /** The group's ARN (without the trailing `:*`), or undefined when it does not exist (yet). */
  logGroupArn(group: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Resolves once the session has started; the iterable yields batches until the session ends. */
  startLiveTail(query: LiveTailQuery, signal: AbortSignal): Promise<AsyncIterable<LiveUpdate>>;
}

/** FilterLogEvents returns at most 10,000 events per page. */
export const FILTER_PAGE_MAX = 10_000;
export const FILTER_STREAM_NAMES_MAX = 100;

const LIVE_REFUSALS = /LimitExceeded|AccessDenied|UnknownOperation|NotImplemented|UnrecognizedClient|InvalidAction/;

export function createLogsApi(conn: AwsConnection, logger: Logger): LogsApi {
  // Live Tail lives on the `streaming-` host prefix; an endpoint override must be kept as it is.
  const options = { ...clientOptions(conn), disableHostPrefix: Boolean(conn.endpoint) };
  const client = instrumentClient(new CloudWatchLogsClient(options), 'logs', logger);
  // The SDK retries LimitExceededException as throttling; a refused Live Tail should fall back
  // to polling at once (the tail tries Live Tail again on its next session). Each session gets
  // its own connection: an aborted stream must not leave a pooled socket whose response never
  // ends, or the next request queued on it waits forever (seen in the extension host).
  const liveClient = instrumentClient(
    new CloudWatchLogsClient({
      ...options,
      maxAttempts: 1,
      requestHandler: { httpAgent: new http.Agent({ keepAlive: false }), httpsAgent: new https.Agent({ keepAlive: false }) },
    }),
    'logs',
    logger,
  );

  /** CloudWatch's own words say best what is wrong with a filter pattern; they must reach the user unwrapped. */
  function rejectedPattern(err: unknown): LogQueryRejected | undefined {
    const e = err as { name?: string; message?: string };
    return e.name === 'InvalidParameterException' ? new LogQueryRejected(e.message ?? 'Invalid parameter.') : undefined;
  }
  async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw rejectedPattern(err) ?? toAwsProblem(err, `logs:${action}`, conn.endpoint);
    }
  }

  return {
    filterLogEvents: async (q, signal) => {
      const out = await call('FilterLogEvents', () =>
        client.send(
          new FilterLogEventsCommand({
            logGroupName: q.group,
            logStreamNamePrefix: q.streamPrefix || undefined,
            logStreamNames: q.streamNames,
            startTime: q.startTime,
            endTime: q.endTime,
            filterPattern: q.filterPattern || undefined,
            nextToken: q.nextToken,
            limit: FILTER_PAGE_MAX,
          }),
          { abortSignal: signal },
        ),
      );
      return {
        events: (out.events ?? []).map((e) => ({
          eventId: e.eventId,
          logStreamName: e.logStreamName ?? '',
          timestamp: e.timestamp ?? 0,
          ingestionTime: e.ingestionTime,
          message: e.message ?? '',
        })),
        nextToken: out.nextToken,
      };
    },

    logGroupArn: async (group, signal) => {
      const out = await call('DescribeLogGroups', () =>
        client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group, limit: 50 }), { abortSignal: signal }),
      );
      const found = out.logGroups?.find((g) => g.logGroupName === group);
      return found ? (found.logGroupArn ?? found.arn?.replace(/:\*$/, '')) : undefined;
    },

    startLiveTail: async (q, signal) => {
      let stream: AsyncIterable<StartLiveTailResponseStream> | undefined;
      try {
        const out = await liveClient.send(
          new StartLiveTailCommand({
            logGroupIdentifiers: q.groupArns,
            logStreamNamePrefixes: q.streamPrefixes?.length ? q.streamPrefixes : undefined,
            logStreamNames: q.streamNames?.length ? q.streamNames : undefined,
            logEventFilterPattern: q.filterPattern || undefined,
          }),
          { abortSignal: signal },
        );
        stream = out.responseStream;
      } catch (err) {
        const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        const problem = toAwsProblem(err, 'logs:StartLiveTail', conn.endpoint);
        if (LIVE_REFUSALS.test(e.name ?? '') || e.$metadata?.httpStatusCode === 404) {
          // An endpoint's 404 page is said in words, never as the parser's complaint about it.
          throw new LiveTailRefused(problem.kind === 'badResponse' ? problem.message : e.message ?? String(err), e.name ?? 'refused');
        }
        throw rejectedPattern(err) ?? problem;
      }
      if (!stream) throw new LiveTailRefused('The endpoint returned no Live Tail stream.', 'noStream');
      return liveBatches(stream);
    },
  };
}

async function* liveBatches(stream: AsyncIterable<StartLiveTailResponseStream>): AsyncIterable<LiveUpdate> {
  try {
    for await (const item of stream) {
      if (item.sessionUpdate) {
        yield {
          sampled: item.sessionUpdate.sessionMetadata?.sampled ?? false,
          events: (item.sessionUpdate.sessionResults ?? []).map((e) => ({
            logStreamName: e.logStreamName ?? '',
            timestamp: e.timestamp ?? 0,
            ingestionTime: e.ingestionTime,
            message: e.message ?? '',
          })),
        };
      } else if (item.SessionTimeoutException) {
        throw new LiveTailEnded(item.SessionTimeoutException.message ?? 'The Live Tail session timed out.');
      } else if (item.SessionStreamingException) {
        throw new LiveTailEnded(item.SessionStreamingException.message ?? 'The Live Tail stream failed.');
      }
    }
  } catch (err) {
    if (err instanceof LiveTailEnded) throw err;
    const e = err as { name?: string; message?: string };
    const problem = toAwsProblem(err, 'logs:StartLiveTail');
    if (problem.kind === 'aborted') throw problem;
    // A stream the SDK could not read is said in words, never as the parser's complaint.
    throw new LiveTailEnded(problem.kind === 'badResponse' ? problem.message : `${e.name ?? 'Error'}: ${e.message ?? String(err)}`);
  }
  throw new LiveTailEnded('The Live Tail session was closed by the server.');
}
