import * as vscode from 'vscode';
import { headStatus, type DeployedImage, type HeadStatus } from '../../core/ecr/deployments';
import { buildInfo, type LabelLoader, type LabelOutcome } from '../../core/ecr/labels';
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
    // One loadAll per repository: cached labels cost nothing, and the cache file is written only when it grew.
    const byRepository = new Map<string, string[]>();
    for (const d of images) {
      const repository = ecrRepositoryOf(d.image)!;
      byRepository.set(repository, [...(byRepository.get(repository) ?? []), d.digest]);
    }
    const labels = new Map<string, LabelOutcome>();
    for (const [repository, digests] of byRepository) for (const [d, l] of await this.loader.loadAll(repository, digests)) labels.set(d, l);
    const withCommits = images.map((image) => {
      const l = labels.get(image.digest);
      return { image, commit: l?.state === 'labels' ? buildInfo(l.labels, names).commit : undefined };
    });
    this.status = await headStatus(head, withCommits, (commit) => commitsBetween(cwd, commit, head).catch(() => undefined));
    this.logger.info(`Images: ${this.status.text}`);
    this.item.text = `$(rocket) ${this.status.text}`;
    this.item.tooltip = this.status.tooltip;
    this.item.command = this.status.target ? { command: COMMANDS.revealDeployed, title: 'Reveal Deployed Image', arguments: [this.status.target] } : undefined;
    this.item.show();
  }

  /** When the deployments cannot be read there is no answer to give. */
  hide(): void {
    this.status = undefined;
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
