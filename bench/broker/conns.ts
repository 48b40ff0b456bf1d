// The conns executor: opens `count` idle MQTT connections (`concurrency` connecting at a time) and reports
// the connect rate; the harness reads the broker's CPU and RSS before and after.
import { performance } from "node:perf_hooks";
import { LoadClient } from "./load-client.ts";
import { inBatches } from "./in-batches.ts";
import { VerifyError } from "./verify-error.ts";
import type { LoadResult } from "./load-result.ts";

export async function runConns(port: number, count: number, concurrency: number, mark: (name: string) => Promise<void>): Promise<LoadResult> {
  await mark("ready");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const clients: LoadClient[] = [];
  const tag = `b${process.pid}-${Date.now() % 100000}`;
  let failure = "";
  await inBatches(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    const c = new LoadClient(port);
    c.onError = (m) => (failure ||= `connection ${i}: ${m}`);
    clients.push(c);
    await c.connect(`${tag}-c${i}`).catch((e: Error) => { failure ||= `connection ${i}: ${e.message}`; });
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 300)); // let the broker settle before its RSS is read
  if (failure) throw new VerifyError(`conns: ${failure}`);
  await mark("end");
  for (const c of clients) c.close();
  return { delivered: count, published: count, wallMs, loadgenCpuMs: (cpu.user + cpu.system) / 1000, duplicates: 0, extra: { connections: count, connectsPerS: count / (wallMs / 1000) } };
}
