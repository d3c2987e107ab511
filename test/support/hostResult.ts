// The line the in-host suite index prints so the runner outside can count passes and failures.
export const HOST_RESULT_PREFIX = 'HOST-RESULT ';

export interface HostCounts {
  passed: number;
  failed: number;
}

export function formatHostResult(counts: HostCounts): string {
  return `${HOST_RESULT_PREFIX}${JSON.stringify(counts)}`;
}

/** The counts on a HOST-RESULT line, or undefined for any other line. */
export function parseHostResult(line: string): HostCounts | undefined {
  if (!line.startsWith(HOST_RESULT_PREFIX)) {
    return undefined;
  }
  const { passed, failed } = JSON.parse(line.slice(HOST_RESULT_PREFIX.length));
  if (!Number.isInteger(passed) || !Number.isInteger(failed)) {
    throw new Error(`malformed host result line: ${line}`);
  }
  return { passed, failed };
}
