// Aggregates the runs (median, min-max per figure), prints the tables and the ratios to stdout,
// checks the targets, and writes the results JSON, latest.md and latest.svg.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { brokerKinds, root } from "./brokers.ts";
import type { RunRecord } from "./run-one.ts";
import type { Scenario } from "./scenarios.ts";
import { clockTicks } from "./proc-stats.ts";
import { chart } from "./svg.ts";
import { checkTargets } from "./targets.ts";

export interface Stat { median: number; min: number; max: number }
export type Summary = Record<string, Record<string, Record<string, Stat>>>; // scenario -> broker -> figure -> stat

function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
}

export function summarize(records: RunRecord[]): Summary {
  const samples: Record<string, Record<string, Record<string, number[]>>> = {};
  for (const r of records) {
    if (!r.ok) continue;
    const by = ((samples[r.scenario] ??= {})[r.broker] ??= {});
    for (const [k, v] of Object.entries(r.figures)) (by[k] ??= []).push(v);
  }
  const out: Summary = {};
  for (const [sc, brokers] of Object.entries(samples)) {
    out[sc] = {};
    for (const [b, figures] of Object.entries(brokers)) out[sc][b] = Object.fromEntries(Object.entries(figures).map(([k, xs]) => [k, stat(xs)]));
  }
  return out;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString("en-US") : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (s: Stat | undefined) => (s ? `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})` : "");

/** The figures shown per scenario kind; the first is the one the ratios use. */
export function columnsOf(s: Scenario): [string, string][] {
  if (s.params.kind === "conns") return [["msgsPerCpuS", "conns/CPU-s"], ["connectsPerS", "conns/s"], ["rssPerConn", "RSS B/conn"], ["connections", "conns"], ["loadgenCpuPct", "loadgen CPU%"]];
  if (s.params.kind === "http") return [["requestsPerCpuS", "req/CPU-s"], ["requestsPerS", "req/s"], ["latP50", "p50 ms"], ["latP99", "p99 ms"]];
  if (s.params.kind === "retained") return [["msgsPerCpuS", "msgs/CPU-s"], ["subscribeMs", "subscribe->all ms"], ["setPerS", "set msgs/s"], ["unflagged", "not flagged retained"], ["rssMB", "RSS MB"], ["loadgenCpuPct", "loadgen CPU%"]];
  const cols: [string, string][] = [["msgsPerCpuS", "msgs/CPU-s"], ["msgsPerS", "msgs/s"], ["cpuUsPerMsg", "CPU µs/msg"], ["rssMB", "RSS MB"], ["loadgenCpuPct", "loadgen CPU%"]];
  if (s.params.kind === "flow" && s.params.payloadLength > 65536) cols.push(["mbPerS", "MB/s"]);
  if (s.params.kind === "flow" && s.params.rate) cols.push(["latP50", "p50 ms"], ["latP99", "p99 ms"], ["latP999", "p99.9 ms"]);
  if (s.params.kind === "flow" && s.params.qos > 0) cols.push(["ackP50", "ack p50 ms"], ["ackP99", "ack p99 ms"]);
  return cols;
}

function machine() {
  const cpus = os.cpus();
  let revision = "unknown";
  try { revision = execFileSync("git", ["describe", "--always", "--dirty"], { cwd: root }).toString().trim(); } catch { /* not a checkout */ }
  return {
    revision,
    cpu: cpus[0]?.model ?? "?",
    cores: cpus.length,
    memGB: Math.round(os.totalmem() / 1e9),
    /** The 1-minute load average when the report was written: other work on the machine skews wall-clock figures. */
    loadAverage: os.loadavg()[0],
    clockTicks,
    node: process.version,
    versions: Object.fromEntries(Object.values(brokerKinds).map((k) => [k.name, k.unavailable() ? null : k.version()])),
  };
}

export function report(records: RunRecord[], chosen: Scenario[], brokers: string[], outDir: string): RunRecord[] {
  const summary = summarize(records);
  const lines: string[] = [];
  const ratios: Record<string, Record<string, number>> = {};
  for (const s of chosen) {
    const cols = columnsOf(s);
    const main = cols[0][0];
    lines.push(`\n### ${s.name}\n`, `| broker | ${cols.map((c) => c[1]).join(" | ")} |`, `|---|${cols.map(() => "---:").join("|")}|`);
    for (const b of [...(s.brokers ?? brokers), "net"]) {
      const row = summary[s.name]?.[b];
      const failed = records.find((r) => r.scenario === s.name && r.broker === b && !r.ok);
      const bound = (row?.loadgenCpuPct?.median ?? 0) >= 90 ? " (load generator at its limit)" : "";
      if (row) lines.push(`| ${b}${bound} | ${cols.map(([k]) => cell(row[k])).join(" | ")} |`);
      else if (failed) lines.push(`| ${b} | ${failed.skipped ? "skipped" : "FAILED"}: ${failed.error?.slice(0, 120)} |`);
    }
    const q = summary[s.name]?.quarkmq?.[main]?.median;
    if (q) {
      ratios[s.name] = {};
      for (const peer of ["aedes", "mosquitto", "ceiling", "net"]) {
        const v = summary[s.name]?.[peer]?.[main]?.median;
        if (v) ratios[s.name][peer] = q / v;
      }
      lines.push("", `quarkmq / peer (${cols[0][1]}): ${Object.entries(ratios[s.name]).map(([k, v]) => `${k} ${v.toFixed(2)}x`).join(", ")}`);
    }
  }
  const m = machine();
  const loads = records.filter((r) => r.ok).map((r) => r.figures.loadAverage).filter((x) => x !== undefined);
  lines.unshift(`Revision ${m.revision}; ${m.cpu}, ${m.cores} cores, ${m.memGB} GB; Node ${m.node}, Mosquitto ${m.versions.mosquitto ?? "-"}, Aedes ${m.versions.aedes}; load average during the runs ${loads.length ? `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}` : "?"} (other jobs on the machine)`);
  const targets = checkTargets(summary);
  lines.push("\n### Targets (messages per broker CPU-second unless said)\n", "| target | figure | reached |", "|---|---|---|");
  for (const t of targets) lines.push(`| ${t.target} | ${t.figure} | ${t.reached} |`);
  const text = lines.join("\n");
  console.log(text);
  const when = new Date().toISOString().replace(/[:.]/g, "-");
  mkdirSync(resolve(root, outDir), { recursive: true });
  const json = JSON.stringify({ when, machine: m, scenarios: chosen, summary, ratios, targets, runs: records }, null, 1);
  writeFileSync(resolve(root, outDir, `${when}.json`), json);
  writeFileSync(resolve(root, outDir, "latest.md"), text + "\n");
  writeFileSync(resolve(root, outDir, "latest.svg"), chart(ratios));
  return records.filter((r) => !r.ok && !r.skipped);
}
