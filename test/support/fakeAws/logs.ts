import type * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { AwsFault, StreamReply, type FakeService } from './server';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
/** PutLogEvents takes at most 10,000 events or 1 MiB per call. */
const PUT_MAX_EVENTS = 10_000;
const PUT_MAX_BYTES = 1_048_576;
/** Live Tail sends at most 500 events per update and samples above that. */
const LIVE_UPDATE_MAX = 500;
/** Concurrent Live Tail sessions per account; StartLiveTail beyond them is refused. */
const LIVE_SESSIONS_MAX = 15;

type Json = Record<string, unknown>;

interface StoredEvent {
  eventId: string;
  logStreamName: string;
  timestamp: number;
  ingestionTime: number;
  message: string;
  seq: number;
}

interface Group {
  name: string;
  arn: string;
  creationTime: number;
  streams: Map<string, StoredEvent[]>;
}

interface LiveSession {
  groups: Set<string>;
  prefixes: string[];
  names: string[];
  terms: string[];
  res: http.ServerResponse;
  pending: StoredEvent[];
  timer: NodeJS.Timeout;
  timeout?: NodeJS.Timeout;
}

export interface FakeLogsOptions {
  /** Events per FilterLogEvents page (the API's maximum is 10,000). */
  pageSize: number;
  /** Every n-th FilterLogEvents response is an empty page with a nextToken (0: never). */
  emptyPageEvery: number;
  liveIntervalMs: number;
  /** A Live Tail session ends with SessionTimeoutException after this long (0: never). */
  liveTimeoutMs: number;
  /** The next n StartLiveTail calls fail with LimitExceededException. */
  liveRefusals: number;
  /** StartLiveTail is unknown to this endpoint (as with some emulators). */
  liveUnavailable: boolean;
  /** The next n StartLiveTail calls fail the way `liveFailure` says. */
  liveFailures: number;
  /**
   * `server`: HTTP 503 ServiceUnavailableException; `html`: HTTP 502 with a proxy's HTML page;
   * `brokenStream`: HTTP 200, the session starts, then bytes that are no event-stream frame.
   */
  liveFailure: 'server' | 'html' | 'brokenStream';
}

const DEFAULTS: FakeLogsOptions = {
  pageSize: 10_000, emptyPageEvery: 0, liveIntervalMs: 200, liveTimeoutMs: 0, liveRefusals: 0, liveUnavailable: false, liveFailures: 0, liveFailure: 'server',
};

const groupArn = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** Minimal filter patterns: space-separated terms (quoted or not), all must occur. */
export function parseFilterPattern(pattern: string): string[] {
  const text = pattern.trim();
  if (!text) return [];
  if (/[{}[\]]/.test(text) || (text.match(/"/g)?.length ?? 0) % 2 === 1) {
    throw new AwsFault('InvalidParameterException', `Invalid filter pattern: ${pattern}`);
  }
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function compare(a: { timestamp: number; seq: number }, b: { timestamp: number; seq: number }): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

/** First index in a sorted stream whose event sorts after `key`. */
function upperBound(events: StoredEvent[], key: { timestamp: number; seq: number }): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(events[mid], key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function frame(headers: Record<string, string>, body: unknown): Uint8Array {
  const h: MessageHeaders = {};
  for (const [k, v] of Object.entries(headers)) h[k] = { type: 'string', value: v };
  return codec.encode({ headers: h, body: fromUtf8(JSON.stringify(body)) });
}

/** CloudWatch Logs as its JSON 1.1 API and Live Tail event stream show it. */
export class FakeLogs implements FakeService {
  readonly targetPrefix = 'Logs_20140328';
  readonly iamPrefix = 'logs';
  options: FakeLogsOptions = { ...DEFAULTS };
  private groups = new Map<string, Group>();
  private sessions = new Set<LiveSession>();
  private seq = 0;
  private responses = 0;
  /** Producers writing on the endpoint's own clock (a bench's load, as an awslogs agent would send it). */
  private producers = new Map<string, { produced: number; total: number; from: number; to?: number; timer: NodeJS.Timeout }>();

  reset(): void {
    for (const p of this.producers.values()) clearInterval(p.timer);
    this.producers.clear();
    for (const s of this.sessions) this.endSession(s);
    this.groups.clear();
    this.options = { ...DEFAULTS };
    this.seq = 0;
    this.responses = 0;
  }

  createGroup(name: string): Group {
    let g = this.groups.get(name);
    if (!g) this.groups.set(name, (g = { name, arn: groupArn(name), creationTime: Date.now(), streams: new Map() }));
    return g;
  }

  /** Stores events as they would be ingested now (a late one simply has an older timestamp); a soak in compressed time says its own ingestion time. */
  addEvents(group: string, stream: string, events: { timestamp: number; message: string; ingestionTime?: number }[], create = true): string[] {
    const g = create ? this.createGroup(group) : this.group(group);
    let list = g.streams.get(stream);
    if (!list) {
      if (!create) throw new AwsFault('ResourceNotFoundException', 'The specified log stream does not exist.');
      g.streams.set(stream, (list = []));
    }
    const now = Date.now();
    const ids: string[] = [];
    const added: StoredEvent[] = [];
    for (const e of events) {
      const seq = ++this.seq;
      const stored = { eventId: String(seq).padStart(56, '0'), logStreamName: stream, timestamp: e.timestamp, ingestionTime: e.ingestionTime ?? now, message: e.message, seq };
      const at = upperBound(list, stored);
      if (at === list.length) list.push(stored);
      else list.splice(at, 0, stored);
      added.push(stored);
      ids.push(stored.eventId);
    }
    for (const s of this.sessions) if (s.groups.has(group)) s.pending.push(...added.filter((e) => this.liveMatch(s, e)));
    return ids;
  }

  readonly control = {
    createGroup: (body: Json) => { this.createGroup(String(body.group)); },
    addEvents: (body: Json) => ({ eventIds: this.addEvents(String(body.group), String(body.stream), body.events as { timestamp: number; message: string }[]) }),
    deleteStream: (body: Json) => { this.group(String(body.group)).streams.delete(String(body.stream)); },
    /** Retention: forgets the group's events older than `before` (a soak's store stays small). */
    dropBefore: (body: Json) => {
      const before = Number(body.before);
      for (const list of this.group(String(body.group)).streams.values()) list.splice(0, upperBound(list, { timestamp: before - 1, seq: Number.MAX_SAFE_INTEGER }));
    },
    configure: (body: Json) => { Object.assign(this.options, body); },
    /**
     * Writes `batch` events every `everyMs` into `streams` until `total`, each batch in one millisecond
     * of this endpoint's clock (ingested that same moment); `lateShare` of them 10-110 s old. Each
     * message carries `id=` and `put=` (when it was written).
     */
    startProducer: (body: Json) => {
      const group = String(body.group);
      const streams = body.streams as string[];
      const total = Number(body.total);
      const batch = Number(body.batch);
      const lateShare = Number(body.lateShare ?? 0);
      this.createGroup(group);
      const state = { produced: 0, total, from: Date.now(), to: undefined as number | undefined, timer: setInterval(() => {
        const now = Date.now();
        const byStream = new Map<string, { timestamp: number; message: string }[]>();
        for (let i = 0; i < batch && state.produced < total; i++, state.produced++) {
          const late = Math.random() < lateShare;
          const stream = streams[state.produced % streams.length];
          const list = byStream.get(stream) ?? [];
          list.push({ timestamp: late ? now - 10_000 - Math.floor(Math.random() * 100_000) : now, message: `[2026-11-23 12:00:00,123] {taskinstance.py:1234} INFO - id=${state.produced} put=${now}${late ? ' late' : ''}` });
          byStream.set(stream, list);
        }
        for (const [stream, events] of byStream) this.addEvents(group, stream, events);
        if (state.produced >= total) {
          clearInterval(state.timer);
          state.to = Date.now();
        }
      }, Number(body.everyMs)) };
      this.producers.set(group, state);
    },
    producer: (body: Json) => {
      const p = this.producers.get(String(body.group));
      return { produced: p?.produced ?? 0, done: p?.to !== undefined, seconds: p ? ((p.to ?? Date.now()) - p.from) / 1000 : 0 };
    },
    dropLiveSessions: () => {
      const n = this.sessions.size;
      for (const s of this.sessions) { s.res.destroy(); this.endSession(s); }
      return { dropped: n };
    },
    stats: () => ({ events: this.seq, sessions: this.sessions.size }),
  };

  readonly operations = {
    CreateLogGroup: (input: Json) => {
      if (this.groups.has(String(input.logGroupName))) throw new AwsFault('ResourceAlreadyExistsException', 'The specified log group already exists');
      this.createGroup(String(input.logGroupName));
    },
    CreateLogStream: (input: Json) => {
      const g = this.group(String(input.logGroupName));
      if (g.streams.has(String(input.logStreamName))) throw new AwsFault('ResourceAlreadyExistsException', 'The specified log stream already exists');
      g.streams.set(String(input.logStreamName), []);
    },
    PutLogEvents: (input: Json) => {
      const events = (input.logEvents as { timestamp: number; message: string }[] | undefined) ?? [];
      if (events.length === 0 || events.length > PUT_MAX_EVENTS) throw new AwsFault('InvalidParameterException', `logEvents must hold 1 to ${PUT_MAX_EVENTS} events.`);
      const bytes = events.reduce((n, e) => n + Buffer.byteLength(e.message) + 26, 0);
      if (bytes > PUT_MAX_BYTES) throw new AwsFault('InvalidParameterException', 'Upload too large: the batch exceeds 1,048,576 bytes.');
      this.addEvents(String(input.logGroupName), String(input.logStreamName), events, false);
      return { nextSequenceToken: String(this.seq) };
    },
    DescribeLogGroups: (input: Json) => {
      const prefix = String(input.logGroupNamePrefix ?? '');
      const logGroups = [...this.groups.values()]
        .filter((g) => g.name.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((g) => ({ logGroupName: g.name, arn: `${g.arn}:*`, logGroupArn: g.arn, creationTime: g.creationTime, storedBytes: 0 }));
      return { logGroups };
    },
    DescribeLogStreams: (input: Json) => {
      const g = this.group(String(input.logGroupName));
      const prefix = String(input.logStreamNamePrefix ?? '');
      const logStreams = [...g.streams.entries()]
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, events]) => ({
          logStreamName: name,
          arn: `${g.arn}:log-stream:${name}`,
          firstEventTimestamp: events[0]?.timestamp,
          lastEventTimestamp: events[events.length - 1]?.timestamp,
          lastIngestionTime: events.reduce((m, e) => Math.max(m, e.ingestionTime), 0) || undefined,
        }));
      return { logStreams };
    },
    GetLogEvents: (input: Json) => {
      const g = this.group(String(input.logGroupName));
      const list = g.streams.get(String(input.logStreamName));
      if (!list) throw new AwsFault('ResourceNotFoundException', 'The specified log stream does not exist.');
      const start = Number(input.startTime ?? 0);
      const end = Number(input.endTime ?? Number.MAX_SAFE_INTEGER);
      const matching = list.filter((e) => e.timestamp >= start && e.timestamp < end);
      const limit = Math.min(Number(input.limit ?? 10_000), 10_000);
      const from = input.nextToken ? Number(String(input.nextToken).slice(2)) : 0;
      const events = matching.slice(from, from + limit).map(({ timestamp, message, ingestionTime }) => ({ timestamp, message, ingestionTime }));
      const next = `f/${Math.min(from + limit, matching.length)}`;
      return { events, nextForwardToken: next, nextBackwardToken: `b/${from}` };
    },
    FilterLogEvents: (input: Json) => this.filter(input),
    StartLiveTail: (input: Json) => this.startLiveTail(input),
  };

  private group(nameOrArn: string): Group {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.replace(/^.*:log-group:/, '').replace(/:\*$/, '') : nameOrArn;
    const g = this.groups.get(name);
    if (!g) throw new AwsFault('ResourceNotFoundException', 'The specified log group does not exist.');
    return g;
  }

  private filter(input: Json): Json {
    const g = this.group(String(input.logGroupName ?? input.logGroupIdentifier ?? ''));
    const names = input.logStreamNames as string[] | undefined;
    const prefix = input.logStreamNamePrefix as string | undefined;
    if (names && prefix) throw new AwsFault('InvalidParameterException', 'You cannot specify both LogStreamNames and LogStreamNamePrefix.');
    if (names && names.length > 100) throw new AwsFault('InvalidParameterException', 'logStreamNames can hold at most 100 names.');
    const terms = parseFilterPattern(String(input.filterPattern ?? ''));
    const limit = Math.min(Number(input.limit ?? 10_000), 10_000, this.options.pageSize);
    const start = Number(input.startTime ?? 0);
    const end = input.endTime === undefined ? Number.MAX_SAFE_INTEGER : Number(input.endTime);
    let streams: [string, StoredEvent[]][];
    if (names) {
      streams = names.map((n) => {
        const list = g.streams.get(n);
        if (!list) throw new AwsFault('ResourceNotFoundException', 'The specified log stream does not exist.');
        return [n, list];
      });
    } else {
      streams = [...g.streams.entries()].filter(([n]) => !prefix || n.startsWith(prefix));
    }
    const cursor = input.nextToken
      ? (JSON.parse(Buffer.from(String(input.nextToken), 'base64').toString()) as { timestamp: number; seq: number })
      : { timestamp: start, seq: 0 };
    const token = (c: { timestamp: number; seq: number }) => Buffer.from(JSON.stringify({ timestamp: c.timestamp, seq: c.seq })).toString('base64');

    this.responses++;
    if (this.options.emptyPageEvery > 0 && this.responses % this.options.emptyPageEvery === 0) {
      return { events: [], searchedLogStreams: [], nextToken: token(cursor) };
    }
    // Interleaved across streams by (timestamp, ingestion order); the cursor survives inserts.
    const candidates: StoredEvent[] = [];
    for (const [, list] of streams) {
      // limit + 1 per stream is enough to fill the page and to know whether more remain.
      let taken = 0;
      for (let i = upperBound(list, cursor); i < list.length && taken <= limit; i++) {
        const e = list[i];
        if (e.timestamp > end) break;
        if (e.timestamp < start || !terms.every((t) => e.message.includes(t))) continue;
        candidates.push(e);
        taken++;
      }
    }
    candidates.sort(compare);
    const page = candidates.slice(0, limit);
    const more = candidates.length > limit;
    return {
      events: page.map(({ eventId, logStreamName, timestamp, ingestionTime, message }) => ({ eventId, logStreamName, timestamp, ingestionTime, message })),
      searchedLogStreams: streams.map(([n]) => ({ logStreamName: n, searchedCompletely: !more })),
      nextToken: more ? token(page[page.length - 1]) : undefined,
    };
  }

  private liveMatch(s: LiveSession, e: StoredEvent): boolean {
    if (s.names.length && !s.names.includes(e.logStreamName)) return false;
    if (s.prefixes.length && !s.prefixes.some((p) => e.logStreamName.startsWith(p))) return false;
    return s.terms.every((t) => e.message.includes(t));
  }

  private startLiveTail(input: Json): StreamReply {
    if (this.options.liveUnavailable) throw new AwsFault('UnknownOperationException', 'StartLiveTail is not supported by this endpoint.');
    if (this.options.liveRefusals > 0 || this.sessions.size >= LIVE_SESSIONS_MAX) {
      if (this.options.liveRefusals > 0) this.options.liveRefusals--;
      throw new AwsFault('LimitExceededException', 'Maximum number of concurrent Live Tail sessions reached.');
    }
    if (this.options.liveFailures > 0) {
      this.options.liveFailures--;
      return this.failLiveTail();
    }
    const ids = (input.logGroupIdentifiers as string[] | undefined) ?? [];
    if (ids.length === 0 || ids.length > 10) throw new AwsFault('InvalidParameterException', 'logGroupIdentifiers must hold 1 to 10 log group ARNs.');
    for (const id of ids) if (!id.startsWith('arn:')) throw new AwsFault('InvalidParameterException', `Log group identifier ${id} must be an ARN.`);
    const groups = new Set(ids.map((id) => this.group(id).name));
    const prefixes = (input.logStreamNamePrefixes as string[] | undefined) ?? [];
    const names = (input.logStreamNames as string[] | undefined) ?? [];
    const terms = parseFilterPattern(String(input.logEventFilterPattern ?? ''));
    const sessionId = randomUUID();
    return new StreamReply((res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() });
      const event = (type: string, body: unknown) => frame({ ':message-type': 'event', ':event-type': type, ':content-type': 'application/json' }, body);
      res.write(event('sessionStart', { requestId: randomUUID(), sessionId, logGroupIdentifiers: ids, logStreamNames: names, logStreamNamePrefixes: prefixes, logEventFilterPattern: input.logEventFilterPattern }));
      const session: LiveSession = {
        groups, prefixes, names, terms, res, pending: [],
        timer: setInterval(() => {
          if (session.pending.length === 0) return;
          const all = session.pending.splice(0);
          const sampled = all.length > LIVE_UPDATE_MAX;
          // Above 500 events per update the real service sends a sample; so does the fake.
          const sent = sampled ? all.filter((_, i) => i % Math.ceil(all.length / LIVE_UPDATE_MAX) === 0).slice(0, LIVE_UPDATE_MAX) : all;
          res.write(event('sessionUpdate', {
            sessionMetadata: { sampled },
            sessionResults: sent.map((e) => ({ logStreamName: e.logStreamName, logGroupIdentifier: groupArn([...groups].find((n) => this.groups.get(n)?.streams.has(e.logStreamName)) ?? ''), message: e.message, timestamp: e.timestamp, ingestionTime: e.ingestionTime })),
          }));
        }, this.options.liveIntervalMs),
      };
      if (this.options.liveTimeoutMs > 0) {
        session.timeout = setTimeout(() => {
          res.write(frame({ ':message-type': 'exception', ':exception-type': 'SessionTimeoutException', ':content-type': 'application/json' }, { message: 'Session timed out after 3 hours.' }));
          this.endSession(session);
        }, this.options.liveTimeoutMs);
      }
      res.on('close', () => this.endSession(session));
      this.sessions.add(session);
    });
  }

  private failLiveTail(): StreamReply {
    const kind = this.options.liveFailure;
    if (kind === 'server') throw new AwsFault('ServiceUnavailableException', 'The service is unavailable. Please try again later.', 503);
    return new StreamReply((res) => {
      if (kind === 'html') {
        const page = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';
        res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) });
        res.end(page);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() });
      res.write(frame({ ':message-type': 'event', ':event-type': 'sessionStart', ':content-type': 'application/json' }, { requestId: randomUUID(), sessionId: randomUUID() }));
      // A length prefix that promises a frame, then bytes whose checksums cannot match.
      const junk = Buffer.alloc(64, 0x41);
      junk.writeUInt32BE(64, 0);
      junk.writeUInt32BE(0, 4);
      setTimeout(() => res.end(junk), 50);
    });
  }

  private endSession(s: LiveSession): void {
    clearInterval(s.timer);
    if (s.timeout) clearTimeout(s.timeout);
    this.sessions.delete(s);
    if (!s.res.writableEnded) s.res.end();
  }
}
