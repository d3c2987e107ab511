// The real Airflow 3 of the in-host suite, started only when the run includes Airflow tests
// (TEST_GREP unset or naming Airflow): it takes a minute and a few hundred MB. The suite reads
// AIRFLOW_ECS_TEST_AIRFLOW_{URL,USER,PASSWORD}; when Airflow could not start,
// AIRFLOW_ECS_TEST_AIRFLOW_ERROR says why and the Airflow tests fail with it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAirflow, type TestAirflow } from './airflow';
import { repoRoot } from './codeServer';

/** What the host workspace (sample-dags/) deploys: its dags/ folder. */
export const HOST_WORKSPACE_DAGS = path.join(repoRoot, 'sample-dags', 'dags');

export async function startHostAirflow(grep = process.env.TEST_GREP): Promise<{ env: Record<string, string>; airflow?: TestAirflow; stop(): Promise<void> }> {
  if (grep && !/airflow/i.test(grep)) return { env: {}, stop: async () => undefined };
  // A copy, as the DAG pipeline copies dags/ to EFS: a file a test adds to the workspace is not deployed.
  const deployed = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-host-dags-'));
  fs.cpSync(HOST_WORKSPACE_DAGS, deployed, { recursive: true });
  const removeCopy = () => fs.rmSync(deployed, { recursive: true, force: true });
  try {
    const airflow = await startAirflow({ dagsFolder: deployed });
    // The DAG processor has parsed the folder once: the DAGs and the import error are there.
    await airflow.waitFor<{ total_entries: number }>('/importErrors', (b) => b.total_entries > 0, 120_000);
    await airflow.waitFor<{ total_entries: number }>('/dags', (b) => b.total_entries >= 5, 120_000);
    return {
      airflow,
      env: { AIRFLOW_ECS_TEST_AIRFLOW_URL: airflow.url, AIRFLOW_ECS_TEST_AIRFLOW_USER: airflow.username, AIRFLOW_ECS_TEST_AIRFLOW_PASSWORD: airflow.password },
      stop: async () => { await airflow.stop(); removeCopy(); },
    };
  } catch (err) {
    removeCopy();
    return { env: { AIRFLOW_ECS_TEST_AIRFLOW_ERROR: (err instanceof Error ? err.message : String(err)).slice(0, 2000) }, stop: async () => undefined };
  }
}
