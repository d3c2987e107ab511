import * as vscode from 'vscode';
import { AWS_REGIONS } from '../../../core/aws/connection';
import { updateUserSetting } from '../../../platform/settings';
import type { ExplorerDeps } from './deps';

export const selectRegion = ({ session }: ExplorerDeps) => async () => {
  const current = (await session.connection().catch(() => undefined))?.region;
  const picked = await vscode.window.showQuickPick(
    AWS_REGIONS.map((r) => ({ label: r, description: r === current ? 'current' : undefined })),
    { placeHolder: 'Select the AWS region of your Airflow cluster' },
  );
  if (picked) await updateUserSetting('aws.region', picked.label);
};
