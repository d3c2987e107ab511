// A recording stand-in for AWS's session-manager-plugin, which cannot be installed here. Put
// first on PATH by a test, it writes each invocation (argv and the AWS/SSM environment) to
// calls.jsonl beside itself and behaves like the plugin as far as the extension can see:
// `--version` prints a version; an ECS Exec session prints the plugin's greeting and echoes
// stdin; a port-forwarding session listens on localPortNumber, prints the plugin's lines and
// proxies each connection to host:portNumber (the "remote" side is a local server here).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const STAND_IN_VERSION = '1.2.707.0';

const SCRIPT = String.raw`
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const args = process.argv.slice(2);
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(AWS_|SSM_)/.test(k)));
fs.appendFileSync(path.join(__dirname, 'calls.jsonl'), JSON.stringify({ args, env, pid: process.pid }) + '\n');
if (args[0] === '--version') { process.stdout.write(VERSION + '\n'); process.exit(0); }
if (args.length === 0) { process.stdout.write('\nThe Session Manager plugin was installed successfully. Use the AWS CLI to start a session.\n\n'); process.exit(0); }
const fail = (text) => { process.stderr.write(text + '\n'); process.exit(1); };
if (args.length < 6 || args[2] !== 'StartSession') fail('Invalid arguments.');
let session;
try { session = JSON.parse(args[0].startsWith('AWS_SSM_START_SESSION_RESPONSE') ? process.env[args[0]] : args[0]); } catch { fail('Cannot parse the session response.'); }
const id = session.SessionId || session.sessionId;
if (!id || !(session.TokenValue || session.tokenValue) || !(session.StreamUrl || session.streamUrl)) fail('Session response is missing a field.');
const request = JSON.parse(args[4]);
process.stdout.write('\nStarting session with SessionId: ' + id + '\n');
if (request.DocumentName === 'AWS-StartPortForwardingSessionToRemoteHost') {
  const p = request.Parameters;
  const local = Number(p.localPortNumber[0]);
  const server = net.createServer((socket) => {
    process.stdout.write('Connection accepted for session [' + id + ']\n');
    const upstream = net.connect(Number(p.portNumber[0]), p.host[0] === 'localhost' ? '127.0.0.1' : p.host[0]);
    socket.pipe(upstream).pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  server.on('error', (e) => fail('Unable to start port forwarding: ' + e.message));
  server.listen(local, '127.0.0.1', () => {
    process.stdout.write('Port ' + local + ' opened for sessionId ' + id + '.\nWaiting for connections...\n');
  });
  process.on('SIGTERM', () => process.exit(0));
} else {
  process.stdout.write('# ');
  process.stdin.on('data', (d) => process.stdout.write(String(d).replace(/\r/g, '\r\n') + '# '));
  process.stdin.on('end', () => process.exit(0));
}
`;

export interface SessionPluginCall {
  args: string[];
  env: Record<string, string>;
  pid: number;
}

export interface SessionPluginStandIn {
  /** The folder holding the stand-in: put it first on PATH. */
  dir: string;
  /** Its absolute path. */
  file: string;
  calls(): SessionPluginCall[];
  remove(): void;
}

/** Writes the stand-in into a fresh temp folder; `node` is the Node binary that runs it. */
export function createSessionPluginStandIn({ version = STAND_IN_VERSION, node = process.execPath } = {}): SessionPluginStandIn {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ssm-plugin-'));
  const file = path.join(dir, 'session-manager-plugin');
  fs.writeFileSync(file, `#!${node}\nconst VERSION = ${JSON.stringify(version)};\n${SCRIPT}`, { mode: 0o755 });
  const log = path.join(dir, 'calls.jsonl');
  return {
    dir,
    file,
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SessionPluginCall) : []),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Puts `dir` first on this process's PATH; returns the function that puts PATH back. */
export function prependPath(dir: string): () => void {
  const previous = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${previous ?? ''}`;
  return () => {
    process.env.PATH = previous;
  };
}
