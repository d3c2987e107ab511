import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { silentLogger, type Logger } from '../log';

/**
 * The one way this extension starts a process (git, docker, compose, podman, the AWS CLI):
 * the executable is resolved here to an absolute path outside the workspace, arguments are an
 * array (never a shell), cancellation comes from an AbortSignal, the command and its output go
 * to the log at debug level, and a process that works on the workspace's files is refused in
 * an untrusted workspace. The trust check and the workspace folders are injected by the platform.
 */

/** Refused because the workspace is not trusted; the platform turns it into one sentence with a button. */
export class UntrustedWorkspace extends Error {
  constructor(readonly action: string) {
    super(`${action} is off in an untrusted workspace because it can run code the workspace defines: trust the folder to use it.`);
    this.name = 'UntrustedWorkspace';
  }
}

export class ExecutableNotFound extends Error {
  constructor(readonly executable: string) {
    super(`${executable} was not found on PATH (folders inside the workspace are not searched). Install it, or add its folder to PATH, and try again.`);
    this.name = 'ExecutableNotFound';
  }
}

/** What a cancelled run rejects with; its name makes every caller treat it as a cancellation. */
export class ProcessAborted extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'AbortError';
  }
}

export interface ResolveContext {
  /** The PATH value to search. */
  pathValue: string;
  /** Folders of the workspace: a PATH entry inside one of them is skipped. */
  workspaceFolders: readonly string[];
  platform: NodeJS.Platform;
  /** PATHEXT on Windows. */
  pathExt?: string;
  /** Whether a candidate is an executable file; defaults to the file system. */
  isExecutable?: (file: string) => boolean;
}

function defaultIsExecutable(platform: NodeJS.Platform): (file: string) => boolean {
  return (file) => {
    try {
      if (!fs.statSync(file).isFile()) return false;
      if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
}

function inside(child: string, parent: string, p: typeof path.posix): boolean {
  const rel = p.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
}

/**
 * The absolute path of `name` from PATH, or undefined. Searched by hand: the OS lookup on
 * Windows tries the current directory (the workspace) first. Relative and empty PATH entries
 * and entries inside a workspace folder are skipped, so a repository cannot plant its own git.
 */
export function resolveExecutable(name: string, ctx: ResolveContext): string | undefined {
  const win = ctx.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  if (!name || name.includes('/') || (win && name.includes('\\'))) return undefined;
  const norm = (f: string) => (win ? p.normalize(f).toLowerCase() : p.normalize(f));
  const folders = ctx.workspaceFolders.map(norm);
  // spawn without a shell cannot start .cmd/.bat files, so only real executables count on Windows.
  const extensions = win
    ? (p.extname(name) ? [''] : (ctx.pathExt ?? '.COM;.EXE').split(';').map((e) => e.trim().toLowerCase()).filter((e) => e === '.exe' || e === '.com'))
    : [''];
  const isExecutable = ctx.isExecutable ?? defaultIsExecutable(ctx.platform);
  for (const raw of ctx.pathValue.split(win ? ';' : ':')) {
    const dir = raw.trim().replace(/^"(.*)"$/, '$1');
    if (!dir || !p.isAbsolute(dir)) continue;
    if (folders.some((folder) => inside(norm(dir), folder, p))) continue;
    for (const ext of extensions) {
      const candidate = p.join(dir, name + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

export interface RunOptions {
  cwd?: string;
  /** The whole environment of the child; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Every chunk of stdout/stderr, as it arrives. */
  onOutput?: (text: string) => void;
  /**
   * Set when the process works on the workspace's files (git in its repository, compose on its
   * compose file): what the user asked for, named when an untrusted workspace refuses it.
   */
  trust?: string;
  /** Sent on cancellation; compose stops its containers cleanly on SIGINT. Default SIGTERM. */
  killSignal?: NodeJS.Signals;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

export interface ProcessRunnerOptions {
  logger: Logger;
  isTrusted(): boolean;
  workspaceFolders(): readonly string[];
  platform?: NodeJS.Platform;
}

/** Caps what one run writes to the log. */
const LOG_LIMIT = 4000;

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

function clip(text: string): string {
  const t = text.trimEnd();
  return t.length > LOG_LIMIT ? `${t.slice(0, LOG_LIMIT)}… (${t.length - LOG_LIMIT} more characters)` : t;
}

export class ProcessRunner {
  private readonly platform: NodeJS.Platform;

  constructor(private readonly options: ProcessRunnerOptions) {
    this.platform = options.platform ?? process.platform;
  }

  /** Throws UntrustedWorkspace when the workspace is not trusted: the one trust check. */
  requireTrust(action: string): void {
    if (!this.options.isTrusted()) throw new UntrustedWorkspace(action);
  }

  isTrusted(): boolean {
    return this.options.isTrusted();
  }

  /** The absolute path of an executable, for spawning or for a terminal's shellPath. */
  resolve(name: string, env: NodeJS.ProcessEnv = process.env): string {
    const key = this.platform === 'win32' ? Object.keys(env).find((k) => k.toUpperCase() === 'PATH') : 'PATH';
    const pathExt = this.platform === 'win32' ? env[Object.keys(env).find((k) => k.toUpperCase() === 'PATHEXT') ?? 'PATHEXT'] : undefined;
    const found = resolveExecutable(name, {
      pathValue: (key && env[key]) || '',
      workspaceFolders: this.options.workspaceFolders(),
      platform: this.platform,
      pathExt,
    });
    if (!found) throw new ExecutableNotFound(name);
    return found;
  }

  /** Runs `name args` and resolves with its exit code and output; rejects when it cannot start, is refused or is cancelled. */
  run(name: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (opts.signal?.aborted) return Promise.reject(new ProcessAborted());
    const logger = this.options.logger;
    if (opts.trust !== undefined && !this.options.isTrusted()) {
      logger.debug(`process: refused in an untrusted workspace: ${name} ${args.map(quote).join(' ')}`);
      return Promise.reject(new UntrustedWorkspace(opts.trust));
    }
    const env = opts.env ?? process.env;
    let file: string;
    try {
      file = this.resolve(name, env);
    } catch (err) {
      return Promise.reject(err);
    }
    const commandLine = `${file} ${args.map(quote).join(' ')}`;
    logger.debug(`process: ${commandLine}${opts.cwd ? ` (in ${opts.cwd})` : ''}`);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(file, [...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let output = '';
      const take = (into: Buffer[]) => (chunk: Buffer) => {
        into.push(chunk);
        const text = chunk.toString('utf8');
        output += text;
        opts.onOutput?.(text);
      };
      child.stdout.on('data', take(out));
      child.stderr.on('data', take(err));
      const onAbort = () => child.kill(opts.killSignal ?? 'SIGTERM');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (e: NodeJS.ErrnoException) => {
        opts.signal?.removeEventListener('abort', onAbort);
        logger.debug(`process: ${commandLine} could not start: ${e.message}`);
        reject(e.code === 'ENOENT' ? new ExecutableNotFound(name) : e);
      });
      child.on('close', (code) => {
        opts.signal?.removeEventListener('abort', onAbort);
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        if (opts.signal?.aborted) {
          logger.debug(`process: ${name} cancelled after ${Date.now() - started} ms`);
          reject(new ProcessAborted());
          return;
        }
        logger.debug(`process: ${name} exited with ${code} in ${Date.now() - started} ms${output.trim() ? `\n${clip(output)}` : ''}`);
        resolve({ code, stdout, stderr, output });
      });
    });
  }
}

/**
 * Core code runs processes through the installed runner. The extension installs one bound to
 * VS Code's workspace trust at activation; plain Node callers (tests, the bench) get one that
 * trusts its caller and has no workspace folders.
 */
let installed = new ProcessRunner({ logger: silentLogger, isTrusted: () => true, workspaceFolders: () => [] });

export function processRunner(): ProcessRunner {
  return installed;
}

/** Makes `runner` the one core code uses; returns a function that puts the previous one back. */
export function installProcessRunner(runner: ProcessRunner): () => void {
  const previous = installed;
  installed = runner;
  return () => {
    if (installed === runner) installed = previous;
  };
}
