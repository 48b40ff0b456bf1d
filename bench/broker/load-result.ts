// What the load generator reports for one run, and the latency percentiles it computes.

export interface Percentiles { p50: number; p99: number; p999: number }

export interface LoadResult {
  /** Messages received by subscribers, each checked. */
  delivered: number;
  published: number;
  wallMs: number;
  /** The load generator's own CPU over the measured phase, ms (user + system). */
  loadgenCpuMs: number;
  duplicates: number;
  latencyMs?: Percentiles;
  ackLatencyMs?: Percentiles;
  extra: Record<string, number>;
}

/** Percentiles (ms) of a latency sample, sorted in place. */
export function percentiles(sample: Float64Array): Percentiles {
  if (sample.length === 0) return { p50: 0, p99: 0, p999: 0 };
  sample.sort();
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.floor(q * sample.length))];
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999) };
}
