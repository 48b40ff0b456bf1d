// The load generator's child process: gets {port, scenario, durationMs, conns} over IPC, runs it,
// pauses at each mark until the harness has sampled the broker, and sends back the result or the failure.
import { runConns } from "./conns.ts";
import { runFlow } from "./flow.ts";
import { runRetained } from "./retained.ts";
import type { Params } from "./scenarios.ts";
import type { LoadResult } from "./load-result.ts";
import { useTransport } from "./transports.ts";

interface Job { port: number; params: Params; durationMs: number; conns: number }

let resume: (() => void) | null = null;
const send = (m: unknown) => new Promise<void>((r) => process.send!(m, () => r()));
const mark = async (name: string) => {
  const go = new Promise<void>((r) => (resume = r));
  await send({ type: "mark", name });
  await go;
};

process.on("message", async (m: { type: string } & Partial<Job>) => {
  if (m.type === "continue") return resume?.();
  if (m.type !== "job") return;
  const job = m as Job;
  try {
    let result: LoadResult;
    if (job.params.kind === "flow") useTransport(job.params.transport);
    if (job.params.kind === "flow") result = await runFlow(job.port, job.params, job.durationMs, mark);
    else if (job.params.kind === "retained") result = await runRetained(job.port, job.params, mark);
    else if (job.params.kind === "conns") result = await runConns(job.port, job.conns, mark);
    else throw new Error(`the load generator does not run ${job.params.kind}`);
    await send({ type: "result", result });
  } catch (e) {
    await send({ type: "fail", message: (e as Error).message, verify: (e as Error).name === "VerifyError" });
  }
  process.exit(0);
});
process.send!({ type: "hello" });
