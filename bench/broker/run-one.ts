// One run: a fresh broker process and a fresh load generator process for one scenario; samples the
// broker's /proc stats at each mark and turns them into the figures of a run (or its failure).
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import os from "node:os";
import { join } from "node:path";
import { root, startBroker } from "./brokers.ts";
import type { BrokerKind, RunningBroker } from "./brokers.ts";
import { runHttp } from "./http-load.ts";
import { openFileLimit, sample } from "./proc-stats.ts";
import type { ProcSample } from "./proc-stats.ts";
import type { Scenario } from "./scenarios.ts";
import type { LoadResult } from "./load-result.ts";

/** The load generator's share of one core above which a run is reported as bound by it. */
export const SATURATED = 0.9;

export interface RunRecord {
  scenario: string;
  broker: string;
  ok: boolean;
  /** Why it failed (verification or a crash), when !ok; or why it was skipped. */
  error?: string;
  skipped?: boolean;
  figures: Record<string, number>;
}

/** Forks the load generator; resolves once it listens for its job (started while the broker starts). */
function forkLoadgen(): Promise<ChildProcess> {
  const child = fork(join(root, "bench/broker/loadgen.ts"), [], { cwd: root, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`load generator exited (${code}) on start`)));
  });
}

function runLoad(child: ChildProcess, port: number, pid: number, scenario: Scenario, durationMs: number, warmupMs: number, conns: number) {
  return new Promise<{ result?: LoadResult; error?: string; marks: Record<string, ProcSample> }>((resolve) => {
    const marks: Record<string, ProcSample> = {};
    let settled = false;
    const finish = (v: { result?: LoadResult; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      resolve({ ...v, marks });
    };
    const timer = setTimeout(() => finish({ error: `timed out after ${durationMs / 1000 + 240} s` }), durationMs + warmupMs + 240_000);
    child.on("message", (m: { type: string; name?: string; result?: LoadResult; message?: string }) => {
      if (m.type === "mark") {
        try { marks[m.name!] = sample(pid); } catch { return finish({ error: "the broker process is gone" }); }
        child.send({ type: "continue" });
      } else if (m.type === "result") finish({ result: m.result });
      else if (m.type === "fail") finish({ error: m.message });
    });
    child.on("exit", (code) => finish({ error: `load generator exited (${code})` }));
    child.send({ type: "job", port, params: scenario.params, durationMs, warmupMs, conns });
  });
}

/** warmupS: seconds of the same load before the measured phase (flow scenarios). */
export async function runOne(kind: BrokerKind, scenario: Scenario, durationS: number, warmupS = 0): Promise<RunRecord> {
  const base = { scenario: scenario.name, broker: kind.name };
  const why = kind.unavailable();
  if (why) return { ...base, ok: false, skipped: true, error: why, figures: {} };
  const loadgen = scenario.params.kind === "http" ? undefined : forkLoadgen();
  let broker;
  try { broker = await startBroker(kind, scenario.params.kind === "http"); } catch (e) {
    loadgen?.then((c) => c.kill("SIGKILL"), () => {});
    return { ...base, ok: false, error: (e as Error).message, figures: {} };
  }
  try {
    const p = scenario.params;
    if (p.kind === "http") {
      if (!broker.httpPort) return { ...base, ok: false, skipped: true, error: `${kind.name} has no HTTP endpoint configured`, figures: {} };
      const { figures, error } = await runHttp(broker, p, durationS);
      return { ...base, ok: error === undefined, error, figures: { ...figures, loadAverage: os.loadavg()[0] } };
    }
    return await loadOnce(broker, scenario, durationS, warmupS, loadgen!);
  } finally {
    await broker.stop();
  }
}

/** One load-generator run of a flow, retained or conns scenario against a running broker (a fresh one in
 *  runOne; the same one run after run in bench/broker/swing.ts). */
export async function loadOnce(broker: RunningBroker, scenario: Scenario, durationS: number, warmupS: number, loadgen = forkLoadgen()): Promise<RunRecord> {
  const base = { scenario: scenario.name, broker: broker.kind.name };
  const p = scenario.params;
  const conns = p.kind === "conns" ? Math.max(100, Math.min(p.max, openFileLimit("self") - 200, openFileLimit(broker.pid) - 200)) : 0;
  let child: ChildProcess;
  try { child = await loadgen; } catch (e) { return { ...base, ok: false, error: (e as Error).message, figures: {} }; }
  const { result, error, marks } = await runLoad(child, broker.port, broker.pid, scenario, durationS * 1000, warmupS * 1000, conns);
  if (!result) return { ...base, ok: false, error, figures: {} };
  return { ...base, ok: true, figures: { ...figuresOf(scenario, result, marks), loadAverage: os.loadavg()[0] } };
}

function figuresOf(scenario: Scenario, r: LoadResult, marks: Record<string, ProcSample>): Record<string, number> {
  const from = marks.ready;
  const measured = scenario.params.kind === "retained" ? marks.set : from;
  const cpuMs = marks.end.cpuMs - measured.cpuMs;
  const f: Record<string, number> = {
    msgsPerS: r.delivered / (r.wallMs / 1000),
    msgsPerCpuS: cpuMs > 0 ? r.delivered / (cpuMs / 1000) : r.delivered / 0.01,
    cpuUsPerMsg: (cpuMs * 1000) / r.delivered,
    brokerCpuPct: (cpuMs / r.wallMs) * 100,
    rssMB: marks.end.rssBytes / 1e6,
    loadgenCpuPct: (r.loadgenCpuMs / r.wallMs) * 100,
    /** 1 when the load generator used ~all of a core: then it, not the broker, set the pace of the run. */
    loadgenSaturated: r.loadgenCpuMs / r.wallMs >= SATURATED ? 1 : 0,
    delivered: r.delivered,
    published: r.published,
    duplicates: r.duplicates,
    ...r.extra,
  };
  if (r.latencyMs) Object.assign(f, { latP50: r.latencyMs.p50, latP99: r.latencyMs.p99, latP999: r.latencyMs.p999 });
  if (r.ackLatencyMs) Object.assign(f, { ackP50: r.ackLatencyMs.p50, ackP99: r.ackLatencyMs.p99 });
  if (scenario.params.kind === "conns") {
    f.rssPerConn = (marks.end.rssBytes - from.rssBytes) / r.delivered;
    f.connCpuUs = (cpuMs * 1000) / r.delivered;
  }
  if (scenario.params.kind === "retained") f.setCpuMs = marks.set.cpuMs - from.cpuMs;
  return f;
}
