import * as path from 'node:path';
import { LineCounter, isMap, isScalar, parse, parseDocument, type Document } from 'yaml';

/** A service as the compose model declares it (before any container exists). */
export interface ComposeService {
  name: string;
  image?: string;
  /** Container ports the model publishes, e.g. 8080. */
  ports: number[];
  hasHealthcheck: boolean;
  /** The command as one line ("airflow celery worker"), when the service sets one. */
  command?: string;
}

export interface ComposeProblem {
  message: string;
  /** 1-based. */
  line: number;
  col: number;
}

export type ComposeModel = { ok: true; services: ComposeService[] } | { ok: false; problem: ComposeProblem };

function containerPort(entry: unknown): number | undefined {
  if (typeof entry === 'number') return entry;
  if (typeof entry === 'string') {
    const port = entry.split('/')[0].split(':').pop() ?? '';
    const n = Number(port.split('-')[0]);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }
  if (entry && typeof entry === 'object' && 'target' in entry) return Number((entry as { target: unknown }).target) || undefined;
  return undefined;
}

function commandLine(command: unknown): string | undefined {
  if (typeof command === 'string') return command;
  return Array.isArray(command) ? command.map(String).join(' ') : undefined;
}

/** The services of a compose model (a parsed file or the engine's resolved one); undefined when it has none. */
function servicesOf(data: unknown): ComposeService[] | undefined {
  const services = data && typeof data === 'object' ? (data as { services?: unknown }).services : undefined;
  if (!services || typeof services !== 'object' || Array.isArray(services)) return undefined;
  return Object.entries(services as Record<string, Record<string, unknown> | null>).map(([name, def]) => ({
    name,
    image: typeof def?.image === 'string' ? def.image : undefined,
    ports: (Array.isArray(def?.ports) ? def.ports : []).map(containerPort).filter((p): p is number => p !== undefined),
    hasHealthcheck: !!def?.healthcheck && !(def.healthcheck as { disable?: boolean }).disable,
    command: commandLine(def?.command),
  }));
}

function read(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  // prettyErrors off: the message stays the parser's sentence; the position comes from linePos.
  return { doc: parseDocument(text, { prettyErrors: false, merge: true, uniqueKeys: true, lineCounter: lines }), lines };
}

/**
 * Reads a compose file as written (no interpolation): a syntax or shape error comes back with
 * the parser's own line, column and message, never half a model. Used to place diagnostics, and
 * as the model only when the engine cannot print its own.
 */
export function parseComposeFile(text: string): ComposeModel {
  const { doc, lines } = read(text);
  const error = doc.errors[0];
  if (error) {
    const pos = lines.linePos(error.pos[0]);
    return { ok: false, problem: { message: error.message, line: pos.line, col: pos.col } };
  }
  const services = servicesOf(doc.toJS({ maxAliasCount: 1000 }));
  if (!services) {
    const node = doc.contents;
    const pos = node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
    return { ok: false, problem: { message: 'The compose file has no "services" mapping.', line: pos.line, col: pos.col } };
  }
  return { ok: true, services };
}

/**
 * The services of the engine's resolved model: `docker compose config --format json` (v2) or
 * the YAML that `docker-compose config` (v1) and `podman-compose config` print; YAML 1.2 reads both.
 */
export function parseComposeConfig(text: string): ComposeService[] {
  const services = servicesOf(parse(text, { maxAliasCount: -1 }) as unknown);
  if (!services) throw new Error('The compose engine printed a model without services.');
  return services;
}

/** The engine sorts services by name; the view keeps the file's order (included or extended ones last). */
export function inFileOrder(services: ComposeService[], written: ComposeModel): ComposeService[] {
  if (!written.ok) return services;
  const at = new Map(written.services.map((s, i) => [s.name, i]));
  return [...services].sort((a, b) => (at.get(a.name) ?? at.size) - (at.get(b.name) ?? at.size));
}

/**
 * The engine's refusal as one sentence: Python tracebacks (podman-compose), "ERROR:" and
 * exception-class prefixes, WARNING lines and location lines ("in file, line 6, column 4") removed.
 */
function engineSentence(output: string): string {
  let lines = output.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() && !/^(WARNING|WARN)\b/.test(l.trim()));
  const traceback = lines.findIndex((l) => l.startsWith('Traceback (most recent call last)'));
  if (traceback >= 0) {
    const last = lines.map((l, i) => (/^[\w.]+(?:Error|Exception)\b/.test(l) ? i : -1)).filter((i) => i > traceback).pop();
    lines = last !== undefined ? lines.slice(last) : lines.slice(-1);
  }
  return lines
    .filter((l) => !/^\s+in "[^"]*", line \d+, column \d+$/.test(l))
    .map((l) => l.trim().replace(/^ERROR:\s*/, '').replace(/^[\w.]+(?:Error|Exception):\s*/, ''))
    .join(': ')
    .replace(/\.:/g, ':') || 'The compose engine refused the file and printed nothing.';
}

/** Where a service's key is in the file, so a refusal that names the service lands on it. */
function serviceKeyPosition(text: string, service: string): { line: number; col: number } | undefined {
  const { doc, lines } = read(text);
  const services = isMap(doc.contents) ? doc.contents.get('services', true) : undefined;
  if (!isMap(services)) return undefined;
  const pair = services.items.find((p) => isScalar(p.key) && String(p.key.value) === service);
  const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
  return range ? lines.linePos(range[0]) : undefined;
}

/**
 * Places the engine's refusal of a file: at the position the engine names (PyYAML's
 * "line 6, column 4", go-yaml's "line 6"), else at the service it names, else at line 1.
 * `fallback` (the YAML parser's own problem) supplies the column when the engine gives only a line.
 */
export function engineProblem(output: string, text: string, fallback?: ComposeProblem): ComposeProblem {
  const message = engineSentence(output);
  const marks = [...output.matchAll(/line (\d+)(?:, column (\d+))?/g)];
  const mark = marks[marks.length - 1];
  if (mark) {
    const line = Number(mark[1]);
    const col = mark[2] ? Number(mark[2]) : fallback?.line === line ? fallback.col : 1;
    return { message, line, col };
  }
  const service = /services\.([\w.-]+?)(?:\.|\s|$)|service ["']([^"']+)["']/.exec(output);
  const at = service ? serviceKeyPosition(text, service[1] ?? service[2]) : undefined;
  return { message, line: at?.line ?? fallback?.line ?? 1, col: at?.col ?? fallback?.col ?? 1 };
}

/** KEY=VALUE lines of a `.env` file (comments and blank lines skipped, surrounding quotes removed). */
export function parseDotEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m || line.startsWith('#')) continue;
    vars[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

/**
 * The compose project name: COMPOSE_PROJECT_NAME (environment, then the `.env` beside the file),
 * else the folder name normalised the way compose does. Passed as `-p` so v1 and v2 agree.
 */
export function composeProjectName(file: string, dotEnv: Record<string, string>, env: NodeJS.ProcessEnv = {}): string {
  const raw = env.COMPOSE_PROJECT_NAME || dotEnv.COMPOSE_PROJECT_NAME || path.basename(path.dirname(file));
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[-_]+/, '') || 'default';
}

/** A Celery worker service, the one Scale Workers is for: its command runs `celery worker`, or its name says worker. */
export function isCeleryWorker(service: Pick<ComposeService, 'name' | 'command'>): boolean {
  return /\bcelery\b.*\bworker\b/.test(service.command ?? '') || /worker/i.test(service.name);
}
