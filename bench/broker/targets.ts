// The performance targets of issue 4, checked against a run's medians: each says the figure reached
// and "yes", or "not reached" (or "no data" when a side is missing from the run).
import type { Summary } from "./report.ts";

export interface TargetCheck { target: string; figure: string; reached: string }

export function checkTargets(s: Summary): TargetCheck[] {
  const m = (sc: string, b: string, k = "msgsPerCpuS") => s[sc]?.[b]?.[k]?.median;
  const out: TargetCheck[] = [];
  const ratio = (sc: string, peer: string, want: number, label: string) => {
    const q = m(sc, "quarkmq");
    const v = m(sc, peer);
    if (!q || !v) return out.push({ target: label, figure: "", reached: "no data" });
    const r = q / v;
    out.push({ target: label, figure: `${r.toFixed(2)}x`, reached: r >= want ? "yes" : "not reached" });
  };
  const noWorse = (sc: string, k: string, label: string) => {
    const q = m(sc, "quarkmq", k);
    const v = m(sc, "mosquitto", k);
    if (q === undefined || v === undefined) return out.push({ target: label, figure: "", reached: "no data" });
    out.push({ target: label, figure: `${q.toFixed(3)} vs ${v.toFixed(3)}`, reached: q <= v ? "yes" : "not reached" });
  };
  ratio("pairs-w256", "mosquitto", 10, "pairs window 256 >= 10x Mosquitto");
  ratio("pairs-w256", "ceiling", 0.5, "pairs window 256 >= half the ceiling");
  ratio("pairs-w16", "mosquitto", 4, "pairs window 16 >= 4x Mosquitto");
  ratio("fanout-100", "mosquitto", 10, "fanout 1->100 >= 10x Mosquitto");
  ratio("fanout-100", "ceiling", 0.5, "fanout 1->100 >= half the ceiling");
  ratio("fanout-1000", "mosquitto", 8, "fanout 1->1000 >= 8x Mosquitto");
  ratio("qos1", "mosquitto", 3, "qos1 pairs >= 3x Mosquitto");
  ratio("wildcard", "mosquitto", 4, "wildcard >= 4x Mosquitto");
  noWorse("latency-20k", "latP50", "latency 20k/s p50 (ms) no worse than Mosquitto");
  noWorse("latency-20k", "cpuUsPerMsg", "latency 20k/s CPU µs/msg no worse than Mosquitto");
  const q = m("conns", "quarkmq", "connectsPerS");
  const net = m("conns", "net", "connectsPerS");
  out.push(q && net ? { target: "conns >= 90% of bare node:net connect rate", figure: `${((q / net) * 100).toFixed(0)}%`, reached: q / net >= 0.9 ? "yes" : "not reached" } : { target: "conns >= 90% of bare node:net connect rate", figure: "", reached: "no data" });
  const rss = m("conns", "quarkmq", "rssPerConn");
  out.push(rss !== undefined ? { target: "conns <= 5 KB RSS per idle connection", figure: `${Math.round(rss)} B`, reached: rss <= 5120 ? "yes" : "not reached" } : { target: "conns <= 5 KB RSS per idle connection", figure: "", reached: "no data" });
  return out;
}
