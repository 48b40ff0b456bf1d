// Runs one scenario again and again against ONE broker process, to see how much a process swings between
// runs and why: `--trace-gc` is on (each run's scavenges and mark-compacts are counted from the broker's log), and
// with `perf` on PATH each run's read/write/epoll syscalls are counted (`perf stat`), so batching shows as msgs per syscall:
// `node --import tsx bench/broker/swing.ts --scenario pairs50-w256 --runs 8 [--broker quarkmq] [--flags="--max-semi-space-size=16"]`
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { brokerKind, quarkmqNodeFlags, startBroker } from "./brokers.ts";
import { loadOnce } from "./run-one.ts";
import { scenarios } from "./scenarios.ts";

const { values } = parseArgs({ options: {
  scenario: { type: "string", default: "pairs50-w256" }, runs: { type: "string", default: "6" }, duration: { type: "string", default: "2" },
  broker: { type: "string", default: "quarkmq" }, flags: { type: "string", default: "" },
} });
const scenario = scenarios.find((s) => s.name === values.scenario);
if (!scenario) throw new Error(`no scenario ${values.scenario}`);
quarkmqNodeFlags.push("--trace-gc", ...values.flags!.split(" ").filter(Boolean));
const log = join(tmpdir(), `quarkmq-swing-${process.pid}.log`);
const fd = openSync(log, "w");
const broker = await startBroker(brokerKind(values.broker!)!, false, fd);
console.log(`${values.broker} pid ${broker.pid} (e.g. perf record -e cpu-clock -g -p ${broker.pid}), GC log ${log}`);

/** Scavenges, mark-compacts and their total pause (ms, wall time), deoptimizations and optimizations
 *  (with --trace-deopt / --trace-opt in --flags) in the log text written during one run. */
function gcOf(text: string) {
  const g = { scavenges: 0, markCompacts: 0, pauseMs: 0, deopts: 0, optimized: 0 };
  for (const line of text.split("\n")) {
    if (line.startsWith("[bailout")) g.deopts++;
    else if (line.startsWith("[completed compiling")) g.optimized++;
    const m = /(Scavenge|Mark-Compact|Mark-sweep)[^,]*, ([\d.]+) \/ ([\d.]+) ms/.exec(line);
    if (!m) continue;
    if (m[1] === "Scavenge") g.scavenges++;
    else g.markCompacts++;
    g.pauseMs += Number(m[2]);
  }
  return g;
}

const SYSCALLS = ["read", "write", "writev", "epoll_pwait"];
/** Counts the broker's syscalls until the returned function is called (empty counts when perf is not usable here). */
function countSyscalls(pid: number): () => Promise<Record<string, number>> {
  const perf = spawn("perf", ["stat", "-x", ",", "-e", SYSCALLS.map((c) => `syscalls:sys_enter_${c}`).join(","), "-p", String(pid)], { stdio: ["ignore", "ignore", "pipe"] });
  let text = "";
  perf.stderr.on("data", (d: Buffer) => (text += d));
  perf.on("error", () => {});
  return () => new Promise((resolve) => {
    perf.once("exit", () => resolve(Object.fromEntries(text.split("\n").map((l) => l.split(",")).filter((c) => c[2]?.startsWith("syscalls:")).map((c) => [c[2].slice(19), Number(c[0]) || 0]))));
    perf.kill("SIGINT");
  });
}

try {
  for (let i = 0; i < Number(values.runs); i++) {
    const before = readFileSync(log, "latin1").length;
    const stop = countSyscalls(broker.pid);
    const r = await loadOnce(broker, scenario, Number(values.duration), 0);
    const calls = await stop();
    const gc = gcOf(readFileSync(log, "latin1").slice(before));
    const f = r.figures;
    const per = (n: number | undefined) => (n ? (f.delivered / n).toFixed(1) : "?");
    console.log(r.ok
      ? `run ${i + 1}: ${Math.round(f.msgsPerCpuS)} msgs/CPU-s, ${Math.round(f.msgsPerS)} msgs/s, broker ${Math.round(f.brokerCpuPct)}% CPU, loadgen ${Math.round(f.loadgenCpuPct)}%, RSS ${Math.round(f.rssMB)} MB; ` +
        `GC ${gc.scavenges} scavenges + ${gc.markCompacts} mark-compacts, ${gc.pauseMs.toFixed(0)} ms (${((gc.pauseMs / (f.cpuUsPerMsg * f.delivered / 1000)) * 100).toFixed(1)}% of broker CPU); ` +
        `msgs per read ${per(calls.read)}, per write(v) ${per((calls.write ?? 0) + (calls.writev ?? 0))}, per epoll_pwait ${per(calls.epoll_pwait)}; ${gc.deopts} deopts, ${gc.optimized} optimized`
      : `run ${i + 1}: FAILED ${r.error}`);
  }
} finally {
  await broker.stop();
  closeSync(fd);
}
