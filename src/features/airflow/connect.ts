import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AirflowProblem, checkBaseUrl, normalizeBaseUrl, type AirflowCredentials } from '../../core/airflow/client';
import { clusterUrls, publishedApiPort, stackUrls, type UrlCandidate } from '../../core/airflow/urls';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { toAbortSignal } from '../../platform/commands';
import { reportError } from '../../platform/errors';
import { readSettings } from '../../platform/settings';
import type { AirflowService } from './service';

/** What another feature passes (port forwarding: `{ url, source: 'port forward' }`). */
export interface ConnectArgument {
  url: string;
  source?: string;
}

const isConnectArgument = (a: unknown): a is ConnectArgument => !!a && typeof (a as ConnectArgument).url === 'string';
const COMPOSE_GLOB = '{**/docker-compose*.yml,**/docker-compose*.yaml,**/compose*.yaml,**/compose*.yml}';
const LOCAL_DEFAULT = 'http://localhost:8080';

/** The Local Stack's api-server as its compose file publishes it, else the default port. */
async function localStackUrl(): Promise<UrlCandidate> {
  const configured = readSettings().localStack.composeFile;
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const file = configured
    ? (path.isAbsolute(configured) || !root ? configured : path.join(root, configured))
    : (await vscode.workspace.findFiles(COMPOSE_GLOB, '**/node_modules/**', 10)).map((u) => u.fsPath).sort()[0];
  const port = file && fs.existsSync(file) ? publishedApiPort(fs.readFileSync(file, 'utf8')) : undefined;
  return port
    ? { url: `http://localhost:${port}`, source: `Local Stack (${vscode.workspace.asRelativePath(file!)})` }
    : { url: LOCAL_DEFAULT, source: 'Local Stack (default port)' };
}

/** Every URL found for the user, the current one first; a source that fails is left out and logged. */
async function candidates(service: AirflowService, session: AwsSession, logger: Logger): Promise<(vscode.QuickPickItem & { url?: string })[]> {
  const signal = AbortSignal.timeout(15_000);
  const fromClusters = (async () => clusterUrls(await session.ecs(), await session.elb(), signal))().catch((err: unknown) => {
    logger.info(`Airflow: no URL from the Clusters view (${err instanceof Error ? err.message : String(err)}).`);
    return [] as UrlCandidate[];
  });
  const fromStacks = (async () => stackUrls(await session.cloudformation(), signal))().catch((err: unknown) => {
    logger.info(`Airflow: no URL from CloudFormation stack outputs (${err instanceof Error ? err.message : String(err)}).`);
    return [] as UrlCandidate[];
  });
  const seen = new Set<string>();
  // One row per URL: a stack's AirflowUrl is usually the api-server's load balancer too.
  const found = [...(await fromStacks), ...(await fromClusters), await localStackUrl()].filter((c) => !seen.has(c.url) && seen.add(c.url));
  const current = service.url;
  const items: (vscode.QuickPickItem & { url?: string })[] = [];
  if (current) items.push({ label: current, description: 'current', url: current });
  for (const c of found) {
    if (c.url === current) continue;
    items.push({ label: c.url, description: c.source, detail: c.internal ? 'Internal load balancer: reachable only from inside the VPC (VPN, bastion or port forwarding).' : undefined, url: c.url });
  }
  items.push({ label: '$(edit) Enter a URL…', alwaysShow: true });
  return items;
}

async function askUrl(service: AirflowService, session: AwsSession, logger: Logger): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(candidates(service, session, logger), {
    title: 'Connect to Airflow', placeHolder: 'The Airflow API of the deployment (api-server or webserver URL)', ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.url) return picked.url;
  return vscode.window.showInputBox({
    title: 'Connect to Airflow', prompt: 'The base URL of the Airflow UI and REST API (https, or http only for localhost)',
    placeHolder: 'https://airflow.example.com', ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        checkBaseUrl(v);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
}

async function askCredentials(url: string, previous: AirflowCredentials | undefined): Promise<AirflowCredentials | undefined> {
  const choice = await vscode.window.showQuickPick([
    { label: 'User name and password', description: 'Airflow 3 signs in at /auth/token; Airflow 2 uses basic auth', auth: 'password' as const },
    { label: 'API token', description: 'a token you already have (an auth manager without /auth/token)', auth: 'token' as const },
  ], { title: `Sign in to ${url}`, ignoreFocusOut: true });
  if (!choice) return undefined;
  if (choice.auth === 'token') {
    const token = await vscode.window.showInputBox({ title: `Sign in to ${url}`, prompt: 'API token (kept in VS Code\'s secret storage)', password: true, ignoreFocusOut: true });
    return token ? { kind: 'token', token: token.trim() } : undefined;
  }
  const username = await vscode.window.showInputBox({ title: `Sign in to ${url}`, prompt: 'User name', value: previous?.kind === 'password' ? previous.username : 'admin', ignoreFocusOut: true });
  if (!username) return undefined;
  const password = await vscode.window.showInputBox({ title: `Sign in to ${url}`, prompt: `Password of ${username} (kept in VS Code's secret storage)`, password: true, ignoreFocusOut: true });
  return password ? { kind: 'password', username: username.trim(), password } : undefined;
}

/**
 * Connect: a URL (the argument, or picked from what was found), credentials, then a check that
 * Airflow accepts them before anything is stored. True when connected.
 */
export async function connectFlow(service: AirflowService, session: AwsSession, logger: Logger, arg?: unknown): Promise<boolean> {
  const given = isConnectArgument(arg) ? arg : undefined;
  const raw = given?.url ?? (await askUrl(service, session, logger));
  if (!raw) return false;
  let url: string;
  try {
    url = normalizeBaseUrl(raw);
  } catch (err) {
    await reportError(err, logger, 'Airflow: connect');
    return false;
  }
  if (given?.source) logger.info(`Airflow: connecting to ${url} (from ${given.source}).`);
  const credentials = await askCredentials(url, await service.credentials(url));
  if (!credentials) return false;
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to Airflow at ${url}…`, cancellable: true },
      (_p, cancel) => service.connect(url, credentials, toAbortSignal(cancel)));
  } catch (err) {
    const retry = () => connectFlow(service, session, logger, { url });
    await reportError(err, logger, 'Airflow: connect', err instanceof AirflowProblem && ['auth', 'forbidden', 'noTokenEndpoint'].includes(err.kind) ? undefined : retry);
    return false;
  }
  await service.load().catch((err: unknown) => reportError(err, logger, 'Airflow: reading the DAGs', () => vscode.commands.executeCommand('airflowEcs.airflow.refresh')));
  return true;
}
