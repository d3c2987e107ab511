import * as vscode from 'vscode';
import type { QualityDeps } from './deps';

/** Quick pick between the local branch and its analysed pull requests; refreshes with the choice. */
export const chooseAnalysis = ({ service, refresh }: QualityDeps) => async () => {
  const s = service.snapshot;
  if (!s || s.origin.kind !== 'server' || !s.origin.branchPullRequests.length) {
    void vscode.window.showInformationMessage('Your branch has no pull request analysed by SonarCloud: refresh after the pull request is analysed.');
    return;
  }
  const { origin } = s;
  type Item = vscode.QuickPickItem & { pullRequest?: string };
  const branch = origin.localBranch ?? 'HEAD';
  const items: Item[] = [
    {
      label: `$(git-branch) Branch ${branch}`,
      description: origin.branchAnalysed ? 'the branch analysis' : 'never analysed: shows the main branch',
      picked: !origin.pullRequest,
    },
    ...origin.branchPullRequests.map((pr): Item => ({
      label: `$(git-pull-request) Pull request #${pr.key}`,
      description: [pr.title, pr.base ? `into ${pr.base}` : '', pr.status?.qualityGateStatus ? `gate ${pr.status.qualityGateStatus}` : ''].filter(Boolean).join(' · '),
      pullRequest: pr.key,
      picked: origin.pullRequest?.key === pr.key,
    })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Show SonarCloud findings of', placeHolder: 'The branch or one of its pull requests' });
  if (!pick) return;
  service.choice = pick.pullRequest ? { pullRequest: pick.pullRequest } : { preferBranch: true };
  await refresh();
};
