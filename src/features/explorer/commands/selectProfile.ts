import * as vscode from 'vscode';
import { listProfiles } from '../../../core/aws/connection';
import { readSettings, updateUserSetting } from '../../../platform/settings';

const KIND_LABEL = { sso: 'SSO', process: 'credential_process', role: 'assume role', keys: 'access keys', other: '' } as const;
const CLI_GUIDE = 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html';

type Pick = vscode.QuickPickItem & { profile?: string; guide?: boolean };

/** Profiles of the shared files, after the default chain, which needs no file at all. */
export const selectProfile = () => async () => {
  const profiles = await listProfiles();
  const current = readSettings().connection.profile;
  const items: Pick[] = [
    {
      label: 'Default credential chain',
      description: 'environment variables, AWS_PROFILE, SSO, web identity, container or instance role',
      detail: current ? undefined : 'current',
    },
    ...profiles.map((p) => ({
      label: p.name,
      profile: p.name,
      description: [KIND_LABEL[p.kind], p.region].filter(Boolean).join(' · '),
      detail: p.name === current ? 'current' : undefined,
    })),
  ];
  if (!profiles.length) items.push({ label: 'Configure a profile with the AWS CLI…', description: 'no ~/.aws/config or ~/.aws/credentials profiles were found', guide: true });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Select the AWS credentials to use' });
  if (!picked) return;
  if (picked.guide) {
    await vscode.env.openExternal(vscode.Uri.parse(CLI_GUIDE));
    return;
  }
  await updateUserSetting('aws.profile', picked.profile);
};
