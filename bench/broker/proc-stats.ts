// Broker CPU time and memory from /proc: utime+stime in clock ticks (getconf CLK_TCK), VmRSS, and the
// open-file limit, read by the harness at each mark of a run.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

export interface ProcSample { cpuMs: number; rssBytes: number; at: number }

export function sample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is field 3 (state)
  const ticks = Number(fields[11]) + Number(fields[12]); // utime (14) + stime (15)
  const status = readFileSync(`/proc/${pid}/status`, "latin1");
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  return { cpuMs: (ticks * 1000) / clockTicks, rssBytes: rss ? Number(rss[1]) * 1024 : 0, at: performance.now() };
}

/** The soft limit on open files of a process ("self" for this one). */
export function openFileLimit(pid: number | "self"): number {
  const limits = readFileSync(`/proc/${pid}/limits`, "latin1");
  const m = /Max open files\s+(\d+|unlimited)/.exec(limits);
  return !m || m[1] === "unlimited" ? 1 << 20 : Number(m[1]);
}
