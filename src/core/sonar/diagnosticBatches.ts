/**
 * The extension host of VS Code (1.100, extHostDiagnostics.ts) sends a DiagnosticCollection.set()
 * to the workbench with two limits: at most 1,000 markers of one file (the rest become "Not
 * showing N further errors and warnings"), and once one call has sent more than 1,100 markers
 * (1.1 x 1,000) every further file of that call is silently dropped. getDiagnostics() in the host
 * still returns everything, so only the Problems panel and the editor show the loss.
 */
export const MAX_PER_FILE = 1000;
export const MAX_PER_CALL = 1100;

/** Diagnostics [from, to) of one file. */
export interface Slice<K> {
  key: K;
  from: number;
  to: number;
}

/**
 * Plans how to publish every diagnostic: lane k (a DiagnosticCollection of its own) holds the
 * k-th 1,000 of each file, so no file exceeds the per-file limit in any lane; within a lane, files
 * go in calls of at most 1,100 diagnostics, so no call reaches the per-call cut. A file with none
 * is still listed (in lane 0) so that its old diagnostics are removed.
 */
export function planBatches<K>(files: Iterable<[K, number]>, perFile = MAX_PER_FILE, perCall = MAX_PER_CALL): Slice<K>[][][] {
  const lanes: Slice<K>[][][] = [];
  const sizes: number[] = [];
  for (const [key, count] of files) {
    for (let lane = 0, from = 0; lane === 0 || from < count; lane++, from += perFile) {
      const to = Math.min(count, from + perFile);
      const calls = (lanes[lane] ??= []);
      if (!calls.length || sizes[lane] + (to - from) > perCall) {
        calls.push([]);
        sizes[lane] = 0;
      }
      calls[calls.length - 1].push({ key, from, to });
      sizes[lane] += to - from;
    }
  }
  return lanes;
}
