import * as path from 'node:path';
import { parseDocument } from 'yaml';

/** A service as the compose file declares it (before any container exists). */
export interface ComposeService {
  name: string;
  image?: string;
  /** Container ports the file publishes, e.g. 8080. */
  ports: number[];
  hasHealthcheck: boolean;
}

export interface ComposeProblem {
  message: string;
  /** 1-based, as YAMLParseError.linePos reports them. */
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

/** Parses a compose file's text; a syntax or shape error comes back with its line, never half a model. */
export function parseComposeFile(text: string): ComposeModel {
  const doc = parseDocument(text, { prettyErrors: true, merge: true, uniqueKeys: true });
  // Every entry of doc.errors is a YAMLParseError; linePos is 1-based.
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
    return { ok: false, problem: { message: error.message.split('\n')[0], line: pos.line, col: pos.col } };
  }
  const data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  const services = data && typeof data === 'object' ? (data as { services?: unknown }).services : undefined;
  if (!services || typeof services !== 'object' || Array.isArray(services)) {
    const node = doc.contents;
    const line = node && 'range' in node && node.range ? lineOf(text, node.range[0]) : 1;
    return { ok: false, problem: { message: 'The compose file has no "services" mapping.', line, col: 1 } };
  }
  return {
    ok: true,
    services: Object.entries(services as Record<string, Record<string, unknown> | null>).map(([name, def]) => ({
      name,
      image: typeof def?.image === 'string' ? def.image : undefined,
      ports: (Array.isArray(def?.ports) ? def.ports : []).map(containerPort).filter((p): p is number => p !== undefined),
      hasHealthcheck: !!def?.healthcheck && !(def.healthcheck as { disable?: boolean }).disable,
    })),
  };
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
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
