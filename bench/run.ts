import { benchExplorer, benchLargeCluster, type BenchRow } from './explorer';
import { benchQuality } from './quality';
import { benchImages } from './images';
import { benchPipeline } from './pipeline';
import { benchLocalStack } from './localStack';
import { benchLogs, type LogsTable } from './logs';
import { benchLogsChannel } from './logsChannel';
import { benchAirflow } from './airflow';
import { benchAirflowLogs } from './airflowLogs';

function print(title: string, rows: BenchRow[]): void {
  console.log(`\n## ${title}\n`);
  console.log('| scenario | way | ms | API calls | note |');
  console.log('|---|---|---:|---:|---|');
  // A way that never completes has no time (NaN): its note says what it showed.
  for (const r of rows) console.log(`| ${r.scenario} | ${r.way} | ${Number.isFinite(r.ms) ? r.ms.toFixed(0) : '—'} | ${r.calls} | ${r.note ?? ''} |`);
}

/** `BENCH_ONLY=logs,quality` runs only those parts (all by default). */
const only = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const wanted = (part: string) => only.length === 0 || only.includes(part);

async function main(): Promise<void> {
  if (wanted('explorer')) print('Explorer: 1 cluster, 1 service, 1,000 running tasks, 50 ms latency per call', await benchExplorer());
  if (wanted('largeCluster')) print('Explorer: a cluster of 2,000 services, 50 ms latency per call', await benchLargeCluster());
  if (wanted('quality')) print('Quality: 10,000 SonarCloud issues on 500 files, 50 ms latency per call', await benchQuality());
  if (wanted('images')) print('Images: 1 repository, 500 tags with build labels, 50 ms latency per call', await benchImages());
  if (wanted('pipeline')) print('Pipeline: builds changing phase every 31.3 s, virtual clock (ms column: real time to simulate)', await benchPipeline());
  if (wanted('localStack')) print('Local Stack: container state change -> view, real Docker engine', await benchLocalStack());
  if (wanted('airflow')) print('Airflow: 1,000 DAGs, 50 ms latency per call, page limit 100', await benchAirflow());
  if (wanted('airflowLogs')) print('Airflow task log: line written -> line shown (ms: mean), fake Airflow 3, 30 ms latency per call, both polling every 1 s', await benchAirflowLogs());

  const tables: LogsTable[] = [];
  if (wanted('logs')) tables.push(...await benchLogs());
  if (wanted('logsChannel')) tables.push(await benchLogsChannel());
  for (const t of tables) {
    console.log(`\n## ${t.title}\n`);
    for (const f of t.figures) console.log(`- ${f}`);
    if (t.head.length === 0) continue;
    console.log(`\n| ${t.head.join(' | ')} |`);
    console.log(`|${t.head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const r of t.rows) console.log(`| ${r.join(' | ')} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
