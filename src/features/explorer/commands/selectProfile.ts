import * as vscode from 'vscode';
import { listProfiles } from '../../../core/aws/connection';
import { updateUserSetting } from '../../../platform/settings';
import type { ExplorerDeps } from './deps';

const KIND_LABEL = { sso: 'SSO', process: 'credential_process', role: 'assume role', keys: 'access keys', other: '' } as const;

export const selectProfile = ({ session }: ExplorerDeps) => async () => {
  const profiles = await listProfiles();
  if (profiles.length === 0) {
    const answer = await vscode.window.showWarningMessage(
      'No AWS profiles were found in ~/.aws/config or ~/.aws/credentials. Create one with "aws configure" or "aws configure sso".',
      'Open AWS CLI Guide',
    );
    if (answer) await vscode.env.openExternal(vscode.Uri.parse('https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html'));
    return;
  }
  const current = (await session.connection().catch(() => undefined))?.profile;
  const picked = await vscode.window.showQuickPick(
    profiles.map((p) => ({
      label: p.name,
      description: [KIND_LABEL[p.kind], p.region].filter(Boolean).join(' · '),
      detail: p.name === current ? 'current' : undefined,
    })),
    { placeHolder: 'Select the AWS profile to use' },
  );
  if (picked) await updateUserSetting('aws.profile', picked.label);
};
