import * as vscode from 'vscode';
import type { AirflowApi } from '../../../core/airflow/runs';
import { TaskLogSource, type TaskTry } from '../../../core/airflow/taskLogs';
import { formatMessage } from '../../../core/logs/format';
import type { TailSession, TailSessions } from '../../../platform/tailSessions';

/** Channels of tries that ended, kept to show again; the oldest go beyond this many. */
const KEPT_ENDED = 20;

export function tryKey(t: TaskTry): string {
  return `airflow:${t.dagId}/${t.runId}/${t.taskId}/${t.mapIndex}#${t.tryNumber}`;
}

/** `Airflow: etl_taskflow › load (try 1)`: one channel per try. */
export function channelName(t: TaskTry): string {
  return `Airflow: ${t.dagId} › ${t.taskId}${t.mapIndex >= 0 ? ` [${t.mapIndex}]` : ''} (try ${t.tryNumber})`;
}

/**
 * Task logs in output channels, one per try, through the window's tail sessions (the status
 * bar counts them, an interruption is noted in the channel, nothing lost or repeated). A try
 * that ends says so and releases its tail; its channel stays and is shown again on request.
 */
export class TaskLogChannels implements vscode.Disposable {
  private readonly ended = new Map<string, TailSession>();

  constructor(private readonly tails: TailSessions, private readonly client: () => Promise<AirflowApi>, private readonly pollMs = 1000) {}

  /** Shows the try's channel, opening and following it unless it is open already. */
  async show(target: TaskTry): Promise<TailSession> {
    const key = tryKey(target);
    const open = this.tails.find(key) ?? this.ended.get(key);
    if (open && (open.running || this.ended.has(key))) {
      open.channel.show(true);
      return open;
    }
    const api = await this.client();
    const title = `${target.dagId} › ${target.taskId} try ${target.tryNumber}`;
    // A fresh source on every (re)start: a restarted tail reads the log again from its start.
    const source = () => {
      const s = new TaskLogSource(api, target);
      void s.finished.then(async (note) => {
        const current = session;
        if ( this.tails.find(key) !== current) return;
        current.notice(note);
        await this.tails.release(current);
        this.keep(key, current);
      });
      return s;
    };
    const session: TailSession = this.tails.startSource(key, title, source, formatMessage, channelName(target), { pollMs: this.pollMs }, `Following the log of ${title} from its start until the try ends.`);
    return session;
  }

  /** The channel of a try, open or ended (tests read its lines). */
  find(target: TaskTry): TailSession | undefined {
    const key = tryKey(target);
    return this.tails.find(key) ?? this.ended.get(key);
  }

  private keep(key: string, s: TailSession): void {
    this.ended.set(key, s);
    while (this.ended.size > KEPT_ENDED) {
      const [oldest, old] = this.ended.entries().next().value as [string, TailSession];
      old.dispose();
      this.ended.delete(oldest);
    }
  }

  dispose(): void {
    for (const s of this.ended.values()) s.dispose();
    this.ended.clear();
  }
}
