// A verification failure (loss, duplicate, corruption, misrouting): the run fails with this message
// instead of printing a throughput.
export class VerifyError extends Error {
  override name = "VerifyError";
}

/** Percentiles (ms) of a latency sample, sorted in place. */
export function percentiles(sample: Float64Array): { p50: number; p99: number; p999: number } {
  if (sample.length === 0) return { p50: 0, p99: 0, p999: 0 };
  sample.sort();
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.floor(q * sample.length))];
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999) };
}

export interface LoadResult {
  /** Messages received by subscribers, each checked. */
  delivered: number;
  published: number;
  wallMs: number;
  /** The load generator's own CPU over the measured phase, ms (user + system). */
  loadgenCpuMs: number;
  duplicates: number;
  latencyMs?: { p50: number; p99: number; p999: number };
  ackLatencyMs?: { p50: number; p99: number; p999: number };
  extra: Record<string, number>;
}

/** Runs `task` on `items` with at most `limit` at a time. */
export async function inBatches<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
