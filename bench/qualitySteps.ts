/** Shared by bench/quality.ts (plain Node) and bench/qualityHost.ts (the extension host, which has `vscode`). */
export const BENCH_DIR_ENV = 'AIRFLOW_ECS_BENCH_DIR';
export const WAYS = ['naive: one set() call', 'naive: one set() per file', 'ours: lanes, calls of <= 1,100'] as const;
