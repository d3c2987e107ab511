import { randomBytes } from 'node:crypto';
import { AwsFault, type FakeService } from './server';

type Json = Record<string, unknown>;

const REGION = 'us-east-1';
/** The documents the fake knows, with the parameters each requires. */
const DOCUMENTS: Record<string, string[]> = {
  'AWS-StartPortForwardingSessionToRemoteHost': ['host', 'portNumber'],
  'AWS-StartPortForwardingSession': ['portNumber'],
  'AWS-StartInteractiveCommand': ['command'],
};

export interface SessionRecord {
  sessionId: string;
  target: string;
  documentName?: string;
  parameters?: Record<string, string[]>;
  status: 'Connected' | 'Terminated';
}

/**
 * Systems Manager's session calls as the JSON 1.1 API shows them (X-Amz-Target AmazonSSM.*):
 * StartSession answers SessionId, StreamUrl and TokenValue when the target's agent is connected,
 * TargetNotConnected when it is not; `connected` asks the fake ECS about an `ecs:` target.
 */
export class FakeSsm implements FakeService {
  readonly targetPrefix = 'AmazonSSM';
  readonly iamPrefix = 'ssm';
  readonly sessions: SessionRecord[] = [];

  constructor(private readonly connected: (target: string) => boolean) {}

  reset(): void {
    this.sessions.length = 0;
  }

  readonly control = {
    sessions: () => ({ sessions: this.sessions }),
  };

  readonly operations = {
    StartSession: (input: Json) => {
      const target = String(input.Target ?? '');
      if (!target) throw new AwsFault('ValidationException', "1 validation error detected: Value null at 'target' failed to satisfy constraint: Member must not be null");
      const documentName = input.DocumentName === undefined ? undefined : String(input.DocumentName);
      const parameters = input.Parameters as Record<string, string[]> | undefined;
      if (documentName !== undefined) {
        const required = DOCUMENTS[documentName];
        if (!required) throw new AwsFault('InvalidDocument', `Document with name ${documentName} does not exist.`);
        const missing = required.find((p) => !parameters?.[p]?.length);
        if (missing) throw new AwsFault('InvalidParameters', `Parameter "${missing}" is required by document ${documentName}.`);
      }
      if (!this.connected(target)) throw new AwsFault('TargetNotConnected', `${target} is not connected.`);
      const sessionId = `test-${randomBytes(9).toString('hex')}`;
      this.sessions.push({ sessionId, target, documentName, parameters, status: 'Connected' });
      return {
        SessionId: sessionId,
        StreamUrl: `wss://ssmmessages.${REGION}.amazonaws.com/v1/data-channel/${sessionId}?role=publish_subscribe&cell-number=AAEAAQ`,
        TokenValue: randomBytes(96).toString('base64'),
      };
    },
    TerminateSession: (input: Json) => {
      const session = this.sessions.find((s) => s.sessionId === input.SessionId);
      if (session) session.status = 'Terminated';
      return { SessionId: input.SessionId };
    },
  };
}
