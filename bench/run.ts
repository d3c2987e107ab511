import { benchExplorer, type BenchRow } from './explorer';
import { benchLocalStack } from './localStack';

function print(title: string, rows: BenchRow[]): void {
  console.log(`\n## ${title}\n`);
  console.log('| scenario | way | ms | API calls | note |');
  console.log('|---|---|---:|---:|---|');
  for (const r of rows) console.log(`| ${r.scenario} | ${r.way} | ${r.ms.toFixed(0)} | ${r.calls} | ${r.note ?? ''} |`);
}

async function main(): Promise<void> {
  print('Explorer: 1 cluster, 1 service, 1,000 running tasks, 50 ms latency per call', await benchExplorer());
  print('Local Stack: container state change -> view, real Docker engine', await benchLocalStack());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
