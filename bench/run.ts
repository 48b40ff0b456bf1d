// `npm run bench -- --scenario pairs,fanout --brokers quarkmq,aedes,mosquitto,ceiling --duration S --reps N`:
// runs every scenario against every broker interleaved (A B C A B C ...), then prints the table and
// writes bench/results/<time>.json, latest.md and latest.svg. Exits non-zero when any run failed.
import { parseArgs } from "node:util";
import { brokerKinds, quarkmqNodeFlags } from "./broker/brokers.ts";
import { report } from "./broker/report.ts";
import { runOne } from "./broker/run-one.ts";
import type { RunRecord } from "./broker/run-one.ts";
import { scenarios } from "./broker/scenarios.ts";
import { transportKind } from "./broker/transports.ts";

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "all" },
    brokers: { type: "string", default: "quarkmq,aedes,mosquitto,ceiling" },
    duration: { type: "string" },
    reps: { type: "string" },
    out: { type: "string", default: "bench/results" },
    profile: { type: "string" },
  },
});
if (values.profile) quarkmqNodeFlags.push("--cpu-prof", "--cpu-prof-dir", values.profile);
const wanted = values.scenario!.split(",");
const chosen = scenarios.filter((s) => wanted.includes("all") || wanted.includes(s.name) || wanted.includes(s.group));
if (!chosen.length) {
  console.error(`no scenario named ${values.scenario}; known: ${scenarios.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const names = values.brokers!.split(",");
for (const n of names) if (!brokerKinds[n]) { console.error(`unknown broker ${n}; known: quarkmq, aedes, mosquitto, ceiling`); process.exit(2); }

const records: RunRecord[] = [];
const started = Date.now();
for (const s of chosen) {
  const brokers = s.brokers ?? [...names.filter((n) => !(s.semantics && n === "ceiling")), ...(s.group === "conns" ? ["net"] : [])];
  const reps = values.reps ? Number(values.reps) : s.reps;
  const duration = values.duration ? Number(values.duration) : s.duration;
  const skipped = new Set<string>();
  for (let rep = 0; rep < reps; rep++) {
    for (const b of brokers) {
      if (skipped.has(b)) continue;
      const r = await runOne(transportKind(brokerKinds[b], s.params.kind === "flow" ? s.params.transport : undefined), s, duration);
      records.push(r);
      const f = r.figures;
      const unit = s.group === "conns" ? "conns" : s.group === "http" ? "req" : "msgs";
      const line = r.ok ? `${Math.round(f.msgsPerS ?? f.requestsPerS)} ${unit}/s, ${Math.round(f.msgsPerCpuS ?? f.requestsPerCpuS)} ${unit}/CPU-s, loadgen ${Math.round(f.loadgenCpuPct ?? 0)}% CPU` : `${r.skipped ? "SKIPPED" : "FAILED"}: ${r.error}`;
      console.log(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${s.name} rep ${rep + 1}/${reps} ${b}: ${line}`);
      if (r.skipped) skipped.add(b);
    }
  }
  if (s.semantics && names.includes("ceiling")) console.log(`${s.name}: ceiling skipped (it forwards QoS 0 by exact topic only)`);
}
const failed = report(records, chosen, names, values.out!);
if (failed.length) {
  console.error(`\nFAILED (${failed.length}):\n${failed.map((r) => `  ${r.scenario} / ${r.broker}: ${r.error}`).join("\n")}`);
  process.exit(1);
}
