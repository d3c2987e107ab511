// The words of the status bar for the DAG file in the active editor.
import { relativeTime } from '../ecs/present';
import type { DagRunSummary } from './dags';

export type DagFileStatus =
  | { kind: 'importError' }
  | { kind: 'dags'; dags: { dagId: string; lastRun?: DagRunSummary }[] }
  | { kind: 'notDeployed'; pipeline?: { buildNumber?: number; when?: Date } };

/** "etl_taskflow: success 5 min ago", "import error", "not deployed yet (last DAG pipeline: #12, 3 min ago)". */
export function dagFileStatusText(status: DagFileStatus, now: number): string {
  switch (status.kind) {
    case 'importError':
      return 'import error';
    case 'notDeployed': {
      const p = status.pipeline;
      if (!p) return 'not deployed yet';
      const parts = [p.buildNumber !== undefined ? `#${p.buildNumber}` : undefined, p.when ? relativeTime(p.when, now) : undefined].filter(Boolean);
      return `not deployed yet (last DAG pipeline: ${parts.join(', ') || 'unknown'})`;
    }
    case 'dags':
      return status.dags.map(({ dagId, lastRun }) => `${dagId}: ${runWords(lastRun, now)}`).join(' · ');
  }
}

/** "success 5 min ago", "running", "no runs yet". */
export function runWords(run: DagRunSummary | undefined, now: number): string {
  if (!run) return 'no runs yet';
  const when = run.when ? relativeTime(new Date(run.when), now) : '';
  return when ? `${run.state} ${when}` : run.state;
}
