// Two brokers measured at the same time, each driven by its own load generator with the same scenario, so both see the
// same machine load; with --pin, brokers on one core and load generators on the other, so neither run is charged for
// wakeups the other's placement avoided. For small differences in CPU per message or per connection:
// `taskset -c 1 node --import tsx bench/broker/side-by-side.ts --scenario open-5k --a quarkmq@DIR --b quarkmq --rounds 6 --duration 8 --pin 0`
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { brokerKind, startBroker } from "./brokers.ts";
import { loadOnce } from "./run-one.ts";
import { scenarios } from "./scenarios.ts";

const { values } = parseArgs({ options: {
  scenario: { type: "string", default: "open-5k" }, a: { type: "string", default: "ceiling" }, b: { type: "string", default: "quarkmq" },
  rounds: { type: "string", default: "6" }, duration: { type: "string", default: "8" }, warmup: { type: "string", default: "3" },
  pin: { type: "string" },
} });
const scenario = scenarios.find((s) => s.name === values.scenario);
if (!scenario) throw new Error(`no scenario ${values.scenario}`);
const key = scenario.params.kind === "conns" ? "connCpuUs" : "cpuUsPerMsg";
const a = values.a!, b = values.b!;
const figures: Record<string, number[]> = { [a]: [], [b]: [] };
const ratios: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 === 0 ? [a, b] : [b, a]; // who starts first alternates
  const brokers = [];
  try {
    for (const name of order) brokers.push(await startBroker(brokerKind(name)!));
    if (values.pin !== undefined) for (const broker of brokers) execFileSync("taskset", ["-a", "-pc", values.pin, String(broker.pid)], { stdio: "ignore" });
    const runs = await Promise.all(brokers.map((broker) => loadOnce(broker, scenario, Number(values.duration), Number(values.warmup))));
    const line = runs.map((run, i) => {
      if (!run.ok) throw new Error(`${order[i]}: ${run.error}`);
      const f = run.figures;
      figures[order[i]!]!.push(f[key]!);
      return `${order[i]} ${f[key]!.toFixed(1)}${f.rssPerConn ? ` (${Math.round(f.rssPerConn)} B/conn)` : ""}`;
    });
    ratios.push(figures[b]!.at(-1)! / figures[a]!.at(-1)!);
    console.log(`round ${round + 1}: ${line.join(" | ")}; b/a ${ratios.at(-1)!.toFixed(3)}`);
  } finally {
    for (const broker of brokers) await broker.stop();
  }
}
const median = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
console.log(`${key} medians: ${a} ${median(figures[a]!).toFixed(2)}, ${b} ${median(figures[b]!).toFixed(2)}; b/a median ${median(ratios).toFixed(3)} `
  + `(${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`);
