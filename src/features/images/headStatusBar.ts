import * as vscode from 'vscode';
import { headStatus, type DeployedImage, type HeadStatus } from '../../core/ecr/deployments';
import { buildInfo, type LabelLoader } from '../../core/ecr/labels';
import { ecrRepositoryOf } from '../../core/ecr/present';
import { commitsBetween, headCommit } from '../../core/git/git';
import type { Logger } from '../../core/log';
import { readSettings } from '../../platform/settings';
import { COMMANDS } from './commandIds';
import { workspaceRepo } from './imageTree';

/** "Is my HEAD deployed?" Computed when the Images view loads deployments, never at activation. */
export class HeadStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('airflowEcs.images.head', vscode.StatusBarAlignment.Left, 50);
  status: HeadStatus | undefined;

  constructor(private readonly loader: LabelLoader, private readonly logger: Logger) {
    this.item.name = 'Airflow on ECS: HEAD deployment';
  }

  async update(deployed: Map<string, DeployedImage>): Promise<void> {
    const cwd = workspaceRepo();
    const head = cwd ? await headCommit(cwd).catch(() => undefined) : undefined;
    if (!cwd || !head) {
      this.item.hide();
      return;
    }
    const names = readSettings().images.labelNames;
    const images = [...deployed.values()].filter((d) => ecrRepositoryOf(d.image));
    const withCommits = await Promise.all(images.map(async (image) => {
      const labels = await this.loader.load(ecrRepositoryOf(image.image)!, image.digest);
      return { image, commit: labels.state === 'labels' ? buildInfo(labels.labels, names).commit : undefined };
    }));
    await this.loader.cache.save();
    this.status = await headStatus(head, withCommits, (commit) => commitsBetween(cwd, commit, head).catch(() => undefined));
    this.logger.info(`Images: ${this.status.text}`);
    this.item.text = `$(rocket) ${this.status.text}`;
    this.item.tooltip = this.status.tooltip;
    this.item.command = this.status.target ? { command: COMMANDS.revealDeployed, title: 'Reveal Deployed Image', arguments: [this.status.target] } : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
