import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/** An AWS error as the JSON 1.1 protocol returns it: HTTP status, `__type` and message. */
export class AwsFault extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

export type OperationHandler = (input: Record<string, unknown>) => unknown | Promise<unknown>;

/** A handler result written by the handler itself (Live Tail's event stream). */
export class StreamReply {
  constructor(readonly write: (res: http.ServerResponse) => void) {}
}

/** A service the fake speaks, keyed by its X-Amz-Target prefix. */
export interface FakeService {
  targetPrefix: string;
  operations: Record<string, OperationHandler>;
  /** Control actions reachable over HTTP at /__control/<name>/<action>. */
  control?: Record<string, (body: Record<string, unknown>) => unknown>;
  /** The IAM prefix named in AccessDenied messages; `ecs` when absent. */
  iamPrefix?: string;
  /**
   * For services on the AWS Query protocol (form-encoded Action=...&Version=..., XML answers,
   * e.g. ELBv2): the API version that routes a request here. Handlers get the form fields and
   * answer with a StreamReply that writes the XML.
   */
  queryVersion?: string;
  /** Plain GETs under this path (presigned blob URLs), answered by serveRaw. */
  rawPrefix?: string;
  serveRaw?(path: string, res: http.ServerResponse): void;
  reset(): void;
}

export interface FaultRule {
  /** `ListTasks`, or `*` for any operation. */
  operation: string;
  /**
   * `html`: an HTML page instead of an AWS answer, as a proxy, a captive portal, a web server
   * at the wrong port or an emulator's error page gives it (HTTP `status`, default 502).
   */
  kind: 'throttle' | 'server' | 'accessDenied' | 'html';
  /** How many matching calls fail; then the rule is spent. */
  count: number;
  /** HTTP status of an `html` fault. */
  status?: number;
}

export interface CallRecord {
  target: string;
  operation: string;
  at: number;
}

/**
 * A local endpoint that speaks the AWS JSON 1.1 wire protocol for the services we use,
 * with injectable latency and faults. Seeded in process, or over /__control/* from another
 * process (the extension host under test).
 */
export class FakeAws {
  readonly calls: CallRecord[] = [];
  latencyMs = 0;
  private faults: FaultRule[] = [];
  private readonly services = new Map<string, FakeService>();
  private readonly controls = new Map<string, Record<string, (body: Record<string, unknown>) => unknown>>();
  private server: http.Server | undefined;
  url = '';

  register(name: string, service: FakeService): void {
    this.services.set(service.targetPrefix, service);
    if (service.control) this.controls.set(name, service.control);
  }

  injectFault(rule: FaultRule): void {
    this.faults.push({ ...rule });
  }

  countCalls(operation?: string): number {
    return operation ? this.calls.filter((c) => c.operation === operation).length : this.calls.length;
  }

  reset(): void {
    this.calls.length = 0;
    this.faults = [];
    this.latencyMs = 0;
    for (const s of this.services.values()) s.reset();
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => this.send(res, 500, { __type: 'InternalFailure', message: String(err) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/__control/')) return this.handleControl(url.pathname, body, res);
    const raw = [...this.services.values()].find((s) => s.rawPrefix && url.pathname.startsWith(s.rawPrefix));
    if (raw) {
      this.calls.push({ target: raw.rawPrefix!, operation: `GET ${raw.rawPrefix}`, at: Date.now() });
      if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
      return raw.serveRaw!(url.pathname, res);
    }

    const query = req.headers['x-amz-target'] ? undefined : new URLSearchParams(body);
    const queryService = query && [...this.services.values()].find((s) => s.queryVersion && s.queryVersion === query.get('Version'));
    const target = queryService ? `${queryService.targetPrefix}.${query!.get('Action')}` : String(req.headers['x-amz-target'] ?? '');
    const [prefix, operation] = target.split('.');
    const service = this.services.get(prefix);
    this.calls.push({ target: prefix, operation, at: Date.now() });
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));

    const rule = this.takeFault(operation);
    if (rule?.kind === 'html') return this.sendHtml(res, rule.status ?? 502);
    if (rule) return this.sendFault(res, faultOf(rule, operation, service?.iamPrefix ?? 'ecs'));
    const handler = service?.operations[operation];
    if (!handler) return this.sendFault(res, new AwsFault('UnknownOperationException', `The fake does not implement ${target}.`));
    try {
      const input = queryService ? Object.fromEntries(query!) : body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const out = await handler(input);
      if (out instanceof StreamReply) return out.write(res);
      this.send(res, 200, out ?? {});
    } catch (err) {
      if (err instanceof AwsFault) return this.sendFault(res, err);
      throw err;
    }
  }

  private takeFault(operation: string): FaultRule | undefined {
    const rule = this.faults.find((f) => f.count > 0 && (f.operation === '*' || f.operation === operation));
    if (rule) rule.count--;
    return rule;
  }

  private async handleControl(path: string, body: string, res: http.ServerResponse): Promise<void> {
    const [, , name, action] = path.split('/');
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (name === 'fake') {
      if (action === 'reset') this.reset();
      else if (action === 'fault') this.injectFault(input as unknown as FaultRule);
      else if (action === 'latency') this.latencyMs = Number(input.ms ?? 0);
      else if (action === 'calls') return this.send(res, 200, { calls: this.calls });
      else if (action === 'resetCalls') this.calls.length = 0;
      else return this.send(res, 404, { message: `no control action ${action}` });
      return this.send(res, 200, {});
    }
    const control = this.controls.get(name)?.[action];
    if (!control) return this.send(res, 404, { message: `no control ${name}/${action}` });
    this.send(res, 200, (await control(input)) ?? {});
  }

  private sendFault(res: http.ServerResponse, fault: AwsFault): void {
    res.setHeader('x-amzn-ErrorType', fault.type);
    this.send(res, fault.status, { __type: fault.type, message: fault.message });
  }

  private sendHtml(res: http.ServerResponse, status: number): void {
    const page = `<!doctype html>\n<html><head><title>${status} Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p></body></html>\n`;
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
    res.end(page);
  }

  private send(res: http.ServerResponse, status: number, payload: unknown): void {
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }
}

function faultOf(rule: FaultRule, operation: string, iamPrefix: string): AwsFault {
  switch (rule.kind) {
    case 'throttle': return new AwsFault('ThrottlingException', 'Rate exceeded');
    case 'accessDenied': return new AwsFault(
      'AccessDeniedException',
      `User: arn:aws:iam::123456789012:user/test is not authorized to perform: ${iamPrefix}:${operation} on resource: *`,
    );
    default: return new AwsFault('ServerException', 'Service unavailable', 500);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Calls a control action of a fake running in another process (the extension host's tests use this). */
export async function control(baseUrl: string, name: string, action: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(`${baseUrl}/__control/${name}/${action}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`control ${name}/${action}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}
