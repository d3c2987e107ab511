/** Shared by bench/logsChannel.ts (plain Node) and bench/logsHost.ts (the extension host). */
export const CHANNEL_BENCH = 'Airflow ECS bench throughput';
/** Lines a second the host bench produces: above the 5,000 the channel must sustain. */
export const LINE_RATE = 10_000;
export const LINE_SECONDS = 20;
