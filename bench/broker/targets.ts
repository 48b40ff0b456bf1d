// The performance targets of issue 11, checked against a run's medians (per broker CPU-second, against
// Mosquitto as shipped): each says the figure reached and "yes", "not reached", or "no data" when a side is missing.
import type { Stat, Summary } from "./report.ts";

/** The spread of a figure across runs: (max - min) / median. */
export const spreadOf = (s: Stat) => (s.median ? (s.max - s.min) / s.median : 0);

export interface TargetCheck { target: string; figure: string; reached: string }

export function checkTargets(s: Summary, runsOf: (scenario: string) => number): TargetCheck[] {
  const m = (sc: string, b: string, k = "msgsPerCpuS") => s[sc]?.[b]?.[k]?.median;
  const out: TargetCheck[] = [];
  const verdict = (ok: boolean) => (ok ? "yes" : "not reached");
  const noData = (target: string) => out.push({ target, figure: "", reached: "no data" });
  const ratio = (sc: string, peer: string, want: number, label: string, k = "msgsPerCpuS") => {
    const q = m(sc, "quarkmq", k);
    const v = m(sc, peer, k);
    if (!q || !v) return noData(label);
    out.push({ target: label, figure: `${(q / v).toFixed(2)}x`, reached: verdict(q / v >= want) });
  };
  ratio("pairs50-w256", "mosquitto", 10, "50 pairs window 256 >= 10x Mosquitto");
  ratio("pairs50-w256", "ceiling", 0.6, "50 pairs window 256 >= 0.6x the node:net forwarder");
  const spread = s["pairs50-w256"]?.quarkmq?.msgsPerCpuS;
  if (spread && runsOf("pairs50-w256") >= 3) out.push({ target: "50 pairs window 256: spread across runs <= 25%", figure: `${(spreadOf(spread) * 100).toFixed(0)}%`, reached: verdict(spreadOf(spread) <= 0.25) });
  else noData("50 pairs window 256: spread across runs <= 25%"); // needs 3 runs
  ratio("pairs200-w256", "mosquitto", 8, "200 pairs window 256 >= 8x Mosquitto");
  ratio("pairs50-w16", "mosquitto", 5, "50 pairs window 16 >= 5x Mosquitto");
  ratio("qos1-50", "mosquitto", 3, "QoS 1, 50 pairs >= 3x Mosquitto");
  ratio("qos2-50", "mosquitto", 3, "QoS 2, 50 pairs >= 3x Mosquitto");
  ratio("sensors", "mosquitto", 5, "wildcard (10k + filters, 100 connections) >= 5x Mosquitto");
  for (const sc of ["open-5k", "open-20k"]) {
    // CPU per message no more than Mosquitto's, or within 10% of the node:net forwarder when that costs more.
    const label = `${sc}: CPU µs/msg <= Mosquitto's (or <= 1.1x the forwarder's when it costs more)`;
    const q = m(sc, "quarkmq", "cpuUsPerMsg");
    const v = m(sc, "mosquitto", "cpuUsPerMsg");
    const c = m(sc, "ceiling", "cpuUsPerMsg");
    if (q === undefined || v === undefined) { noData(label); continue; }
    const bar = c !== undefined && c > v ? 1.1 * c : v;
    out.push({ target: label, figure: `${q.toFixed(1)} vs Mosquitto ${v.toFixed(1)}${c !== undefined ? `, forwarder ${c.toFixed(1)}` : ""}`, reached: verdict(q <= bar) });
  }
  ratio("large-16M", "mosquitto", 1, "16 MiB payloads >= Mosquitto");
  ratio("storm", "net", 0.9, "connect rate >= 0.9x a bare node:net CONNACK server", "connectsPerS");
  const cpu = m("storm", "quarkmq", "connCpuUs");
  const cpuM = m("storm", "mosquitto", "connCpuUs");
  if (cpu !== undefined && cpuM !== undefined) out.push({ target: "CPU per connection <= 3x Mosquitto's", figure: `${cpu.toFixed(0)} µs vs ${cpuM.toFixed(0)} µs (${(cpu / cpuM).toFixed(2)}x)`, reached: verdict(cpu <= 3 * cpuM) });
  else noData("CPU per connection <= 3x Mosquitto's");
  const rss = m("storm", "quarkmq", "rssPerConn");
  if (rss !== undefined) out.push({ target: "RSS per idle connection <= 4 KB", figure: `${Math.round(rss)} B`, reached: verdict(rss <= 4096) });
  else noData("RSS per idle connection <= 4 KB");
  return out;
}
