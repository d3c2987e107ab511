import { SSMClient, StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import type { Logger } from '../log';
import { awsCaller, clientOptions, instrumentClient } from './clients';
import type { AwsConnection } from './connection';
import { clientEndpoint } from './endpoints';
import { sessionFailure } from '../ecs/exec';

/** What StartSession answers: what the Session Manager plugin needs to open the data channel. */
export interface SsmSession {
  SessionId: string;
  TokenValue: string;
  StreamUrl: string;
}

/** A StartSession request as the API (and the plugin's fifth argument) spells it. */
export interface StartSessionRequest {
  Target: string;
  DocumentName?: string;
  Parameters?: Record<string, string[]>;
}

/** The SSM calls the extension makes. */
export interface SsmApi {
  startSession(request: StartSessionRequest, signal?: AbortSignal): Promise<SsmSession>;
  /** Ends a session on the agent's side, so nothing lingers until the idle timeout. */
  terminateSession(sessionId: string): Promise<void>;
  /** The endpoint the plugin is told, as the AWS CLI tells it. */
  endpoint(): Promise<string>;
}

export function createSsmApi(conn: AwsConnection, logger: Logger): SsmApi {
  const client = instrumentClient(new SSMClient(clientOptions(conn)), 'ssm', logger);
  const call = awsCaller('ssm', conn);
  return {
    startSession: async (request, signal) => {
      const out = await call('StartSession', () => client.send(new StartSessionCommand(request), { abortSignal: signal })
        .catch((err: unknown) => { throw sessionFailure(err, request.Target) ?? err; }));
      return { SessionId: out.SessionId ?? '', TokenValue: out.TokenValue ?? '', StreamUrl: out.StreamUrl ?? '' };
    },
    terminateSession: async (sessionId) => {
      await call('TerminateSession', () => client.send(new TerminateSessionCommand({ SessionId: sessionId })));
    },
    endpoint: () => clientEndpoint(client, conn),
  };
}
