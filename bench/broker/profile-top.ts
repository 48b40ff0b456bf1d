// Prints the top self-time functions of a V8 .cpuprofile (from `npm run bench -- --profile DIR`), counting
// from the first sample under `--after NAME` (default handlePublish) so start-up is left out:
// `node --import tsx bench/broker/profile-top.ts FILE.cpuprofile [--top N] [--after NAME]`.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface Node { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" }, after: { type: "string", default: "handlePublish" } } });
const prof = JSON.parse(readFileSync(positionals[0], "utf8")) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const under = (id: number, name: string) => {
  for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) if (byId.get(p)!.callFrame.functionName === name) return true;
  return false;
};
const first = prof.samples.findIndex((id) => under(id, values.after!));
const self = new Map<string, number>();
let total = 0;
let wasm = 0;
for (let i = Math.max(0, first); i < prof.samples.length; i++) {
  const f = byId.get(prof.samples[i])!.callFrame;
  const dt = prof.timeDeltas[i] ?? 0;
  const where = f.url.startsWith("wasm") ? "" : f.url.replace(/^.*\/(host|assembly|node_modules|bench)\//, "$1/");
  const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
  if (f.url.startsWith("wasm")) wasm += dt;
  total += dt;
}
const idle = self.get("(idle)") ?? 0;
const busy = total - idle;
const pct = (v: number) => `${((v / busy) * 100).toFixed(1).padStart(5)}%`;
console.log(`${positionals[0]}: ${(busy / 1000).toFixed(0)} ms busy of ${(total / 1000).toFixed(0)} ms from the first ${values.after}; all wasm functions ${pct(wasm).trim()}`);
for (const [k, v] of [...self].filter(([k]) => k !== "(idle)").sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${pct(v)}  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}
