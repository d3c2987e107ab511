import type * as vscode from 'vscode';
import type { Logger } from '../../../core/log';
import type { AwsSession } from '../../../platform/aws';
import type { TailSessions } from '../../../platform/tailSessions';
import type { ClusterTreeProvider } from '../clusterTree';
import type { PortForwards } from '../portForwards';
import type { ResourceDocuments } from '../resourceDocuments';

/** What the explorer's commands share. */
export interface ExplorerDeps {
  session: AwsSession;
  tails: TailSessions;
  tree: ClusterTreeProvider;
  documents: ResourceDocuments;
  logger: Logger;
  channel: vscode.LogOutputChannel;
  forwards: PortForwards;
}
