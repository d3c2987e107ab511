// 1,000 DAGs behind a fake Airflow 3 with 50 ms per call: calls and time to the first screen
// (the first page of DAGs, what the view draws first) and to the full list, ours (the first page,
// then the rest 4 at a time) against reading the pages one after another.
import { AirflowClient } from '../src/core/airflow/client';
import { listDags } from '../src/core/airflow/dags';
import { silentLogger } from '../src/core/log';
import { generatedDags, startFakeAirflow, type FakeAirflow } from '../test/support/fakeAirflow';
import type { BenchRow } from './explorer';

const DAGS = 1000;
const LATENCY_MS = 50;

async function run(airflow: FakeAirflow, sequential: boolean) {
  const client = await AirflowClient.connect({ baseUrl: airflow.url, credentials: { kind: 'password', username: airflow.username, password: airflow.password }, logger: silentLogger });
  const before = client.requests;
  const started = performance.now();
  let firstMs = NaN;
  let firstCalls = 0;
  const dags = await listDags(client, {
    sequential,
    onPage: () => {
      if (Number.isNaN(firstMs)) {
        firstMs = performance.now() - started;
        firstCalls = client.requests - before;
      }
    },
  });
  return { firstMs, firstCalls, fullMs: performance.now() - started, calls: client.requests - before, dags: dags.length };
}

export async function benchAirflow(): Promise<BenchRow[]> {
  const airflow = await startFakeAirflow();
  try {
    airflow.seed(generatedDags(DAGS));
    // Warm the connection and the JIT so both ways start equal.
    await run(airflow, false);
    airflow.latencyMs = LATENCY_MS;
    const ours = await run(airflow, false);
    const naive = await run(airflow, true);
    if (ours.dags !== DAGS || naive.dags !== DAGS) throw new Error(`bench: read ${ours.dags} and ${naive.dags} DAGs, expected ${DAGS}`);
    const pages = Math.ceil(DAGS / 100);
    return [
      { scenario: `${DAGS.toLocaleString("en-US")} DAGs: first screen`, way: 'ours (page 1 shown at once)', ms: ours.firstMs, calls: ours.firstCalls, note: 'first 100 DAGs drawn' },
      { scenario: `${DAGS.toLocaleString("en-US")} DAGs: first screen`, way: 'naive (sequential pages)', ms: naive.firstMs, calls: naive.firstCalls, note: 'same first page' },
      { scenario: `${DAGS.toLocaleString("en-US")} DAGs: full list`, way: 'ours (page 1, then 4 in parallel)', ms: ours.fullMs, calls: ours.calls, note: `latency bound ${(1 + Math.ceil((pages - 1) / 4)) * LATENCY_MS} ms` },
      { scenario: `${DAGS.toLocaleString("en-US")} DAGs: full list`, way: 'naive (sequential pages)', ms: naive.fullMs, calls: naive.calls, note: `bound ${pages * LATENCY_MS} ms; naive/ours ${(naive.fullMs / ours.fullMs).toFixed(2)}x` },
    ];
  } finally {
    await airflow.close();
  }
}
