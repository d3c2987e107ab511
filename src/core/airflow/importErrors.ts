// Import errors as the editor needs them: which workspace file, which line, which sentence.
import * as path from 'node:path';
import type { AirflowDag, ImportError } from './dags';

export interface TraceFrame {
  file: string;
  /** 1-based. */
  line: number;
  /** `in <module>`, `in load`: empty for a SyntaxError's frame. */
  where: string;
  /** The source line Python printed under the frame, if any. */
  code?: string;
}

export interface LocatedImportError {
  /** 1-based line of the last frame in the DAG file; 1 when the trace names none. */
  line: number;
  /** The exception line ("ModuleNotFoundError: No module named 'x'"). */
  message: string;
  frames: TraceFrame[];
}

const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$/;

/** The frames of a Python traceback, in order. */
export function parseFrames(trace: string): TraceFrame[] {
  const lines = trace.split(/\r?\n/);
  const frames: TraceFrame[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FRAME.exec(lines[i]);
    if (!m) continue;
    const next = lines[i + 1];
    const code = next !== undefined && /^\s{4,}\S/.test(next) && !FRAME.test(next) ? next.trim() : undefined;
    frames.push({ file: m[1], line: Number(m[2]), where: m[3]?.trim() ?? '', code });
  }
  return frames;
}

/** The last line that is not part of a frame: the exception Python raised. */
export function exceptionLine(trace: string): string {
  const lines = trace.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    // Frame bodies and SyntaxError carets are indented; the exception line is not.
    if (!/^\s/.test(l) && !l.startsWith('Traceback ')) return l;
  }
  return lines.at(-1)?.trim() ?? 'Import error';
}

const posix = (p: string) => p.replace(/\\/g, '/');

/** Whether a frame's file is the DAG file `relative` (to the DAG folder) as deployed anywhere. */
export function sameDagFile(frameFile: string, relative: string): boolean {
  const f = posix(frameFile);
  const r = posix(relative).replace(/^\/+/, '');
  return f === r || f.endsWith(`/${r}`);
}

/** Line and message of an import error in the DAG file `relative`. */
export function locateImportError(error: Pick<ImportError, 'stackTrace'>, relative: string): LocatedImportError {
  const frames = parseFrames(error.stackTrace);
  const inFile = frames.filter((f) => sameDagFile(f.file, relative));
  return { line: inFile.at(-1)?.line ?? 1, message: exceptionLine(error.stackTrace), frames };
}

/** Where the deployment keeps its DAG folder, from a DAG whose file it reports both ways (Airflow 3). */
export function deployedRoots(dags: readonly Pick<AirflowDag, 'fileloc' | 'relativeFileloc'>[]): string[] {
  const roots = new Set<string>();
  for (const d of dags) {
    const rel = d.relativeFileloc && posix(d.relativeFileloc);
    const loc = posix(d.fileloc);
    if (rel && loc.endsWith(`/${rel}`)) roots.add(loc.slice(0, -rel.length - 1));
  }
  return [...roots].sort((a, b) => b.length - a.length);
}

/**
 * A deployed file's path relative to the DAG folder: Airflow 3 reports it relative already;
 * an absolute one (Airflow 2, or a fileloc) loses a known deployed root, else everything up to
 * its last `dags/` folder. Undefined when it cannot be told.
 */
export function relativeToDagFolder(filename: string, roots: readonly string[]): string | undefined {
  const f = posix(filename);
  if (!f) return undefined;
  if (!path.posix.isAbsolute(f)) return path.posix.normalize(f);
  for (const root of roots) if (f.startsWith(`${root}/`)) return f.slice(root.length + 1);
  const i = f.lastIndexOf('/dags/');
  return i >= 0 ? f.slice(i + '/dags/'.length) : undefined;
}

/** The relative path of a DAG's file in the DAG folder. */
export function dagRelativePath(dag: Pick<AirflowDag, 'fileloc' | 'relativeFileloc'>, roots: readonly string[]): string | undefined {
  return dag.relativeFileloc ? posix(dag.relativeFileloc) : relativeToDagFolder(dag.fileloc, roots);
}

/** Workspace folders, relative to a workspace root, that hold DAGs when no setting names one. */
export const DAG_FOLDER_CANDIDATES = ['dags', 'sample-dags/dags', 'sample-dags'] as const;
