// The engines' `config` output for one Airflow-like compose file (see test/fixtures/compose/README.md).
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR = path.resolve(__dirname, '../../../test/fixtures/compose');
const read = (name: string) => fs.readFileSync(path.join(DIR, name), 'utf8');

export const AIRFLOW_LIKE_COMPOSE = read('airflow-like.yml');
export const V1_CONFIG = read('config-v1.yml');
export const PODMAN_COMPOSE_CONFIG = read('config-podman-compose.yml');
export const V2_CONFIG_JSON = read('config-v2.json');
