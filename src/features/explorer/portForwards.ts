import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { PortForward } from '../../core/ecs/sessions';
import { COMMANDS } from './commandIds';

/** Context key: whether a port is forwarded (Stop Port Forwarding shows in the palette). */
const ACTIVE_KEY = 'airflowEcs.portForwarding';

interface Entry {
  forward: PortForward;
  /** `api-server:8080`: what the local port reaches. */
  label: string;
  item: vscode.StatusBarItem;
  stopping: boolean;
}

/**
 * The ports being forwarded, each with a status bar item ("Forwarding localhost:NNNN →
 * api-server:8080", click to stop). A forward that ends by itself says so; all end with the window.
 */
export class PortForwards implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly logger: Logger) {}

  add(forward: PortForward, label: string): void {
    const item = vscode.window.createStatusBarItem(`airflowEcs.portForward.${forward.sessionId}`, vscode.StatusBarAlignment.Left, 50);
    item.name = 'Airflow on ECS: Port Forwarding';
    item.text = `$(plug) Forwarding localhost:${forward.localPort} → ${label}`;
    item.tooltip = `localhost:${forward.localPort} reaches ${label} in task ${forward.taskId} (session ${forward.sessionId}). Click to stop.`;
    item.command = { command: COMMANDS.stopPortForward, title: 'Stop Port Forwarding', arguments: [forward.sessionId] };
    item.show();
    const entry: Entry = { forward, label, item, stopping: false };
    this.entries.set(forward.sessionId, entry);
    void this.updateContext();
    this.logger.info(`Port forwarding: localhost:${forward.localPort} → ${label} in task ${forward.taskId} (session ${forward.sessionId})`);
    void forward.ended.then(
      (result) => {
        if (entry.stopping) return;
        if (result !== 'stopped') this.logger.warn(`Port forwarding: the Session Manager plugin printed:\n${result.output.trim()}`);
        this.ended(entry, result === 'stopped' ? 'the Session Manager plugin was stopped' : `the Session Manager plugin exited${result.code === null ? ' on a signal' : ` with code ${result.code}`}`);
      },
      (err: unknown) => this.ended(entry, `the Session Manager plugin failed (${err instanceof Error ? err.message : String(err)})`),
    );
  }

  get size(): number {
    return this.entries.size;
  }

  /** What is forwarded, for a picker. */
  list(): { sessionId: string; text: string }[] {
    return [...this.entries.values()].map((e) => ({ sessionId: e.forward.sessionId, text: `localhost:${e.forward.localPort} → ${e.label}` }));
  }

  async stop(sessionId: string): Promise<boolean> {
    const entry = this.entries.get(sessionId);
    if (!entry) return false;
    entry.stopping = true;
    this.remove(entry);
    await entry.forward.stop();
    this.logger.info(`Port forwarding: stopped localhost:${entry.forward.localPort} → ${entry.label}`);
    return true;
  }

  private ended(entry: Entry, how: string): void {
    if (!this.entries.has(entry.forward.sessionId)) return;
    this.remove(entry);
    // The session may still be open on the agent's side.
    void entry.forward.stop();
    const message = `Port forwarding localhost:${entry.forward.localPort} → ${entry.label} stopped: ${how}. Forward the port again to reconnect.`;
    this.logger.warn(message);
    void vscode.window.showWarningMessage(message, 'Show Log').then((picked) => picked && vscode.commands.executeCommand(COMMANDS.showLog));
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.forward.sessionId);
    entry.item.dispose();
    void this.updateContext();
  }

  private updateContext(): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', ACTIVE_KEY, this.entries.size > 0);
  }

  dispose(): void {
    for (const entry of [...this.entries.values()]) {
      entry.stopping = true;
      this.remove(entry);
      void entry.forward.stop();
    }
  }
}
