import { benchExplorer, type BenchRow } from './explorer';
import { benchQuality } from './quality';
import { benchImages } from './images';
import { benchPipeline } from './pipeline';
import { benchLocalStack } from './localStack';
import { benchLogs } from './logs';
import { benchAirflow } from './airflow';
import { benchAirflowLogs } from './airflowLogs';

function print(title: string, rows: BenchRow[]): void {
  console.log(`\n## ${title}\n`);
  console.log('| scenario | way | ms | API calls | note |');
  console.log('|---|---|---:|---:|---|');
  // A way that never completes has no time (NaN): its note says what it showed.
  for (const r of rows) console.log(`| ${r.scenario} | ${r.way} | ${Number.isFinite(r.ms) ? r.ms.toFixed(0) : '—'} | ${r.calls} | ${r.note ?? ''} |`);
}

async function main(): Promise<void> {
  print('Explorer: 1 cluster, 1 service, 1,000 running tasks, 50 ms latency per call', await benchExplorer());
  print('Quality: 10,000 SonarCloud issues on 500 files, 50 ms latency per call', await benchQuality());
  print('Images: 1 repository, 500 tags with build labels, 50 ms latency per call', await benchImages());
  print('Pipeline: builds changing phase every 31.3 s, virtual clock (ms column: real time to simulate)', await benchPipeline());
  print('Local Stack: container state change -> view, real Docker engine', await benchLocalStack());
  print('Airflow: 1,000 DAGs, 50 ms latency per call, page limit 100', await benchAirflow());
  print('Airflow task log: line written -> line shown (ms: mean), fake Airflow 3, 30 ms latency per call, both polling every 1 s', await benchAirflowLogs());

  const logs = await benchLogs();
  console.log('\n## Log tail: 10 streams, 100,000 events, late arrivals, mid-millisecond pages, forced reconnect; then identical lines, one stream 5 min late, Live Tail failing with 5xx\n');
  for (const f of logs.figures) console.log(`- ${f}`);
  console.log('\n| way | delivered | duplicates | lost | note |');
  console.log('|---|---:|---:|---:|---|');
  for (const r of logs.rows) console.log(`| ${r.way} | ${r.delivered} | ${r.duplicates} | ${r.lost} | ${r.note} |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
