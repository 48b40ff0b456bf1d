// Prints the top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`), with their share of
// the samples: `node --import tsx bench/broker/profile-top.ts FILE.cpuprofile [N]`.
import { readFileSync } from "node:fs";

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const [file, top = "25"] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
prof.samples.forEach((id, i) => {
  const n = byId.get(id)!;
  const dt = prof.timeDeltas[i] ?? 0;
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^.*\/(host|assembly|node_modules|bench)\//, "$1/")}:${f.lineNumber + 1}` : "";
  const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
const idle = ["(idle)", "(program)", "(garbage collector)"].map((k) => self.get(k) ?? 0);
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled; idle ${(idle[0] / total * 100).toFixed(1)}%, program ${(idle[1] / total * 100).toFixed(1)}%, GC ${(idle[2] / total * 100).toFixed(1)}%`);
const busy = total - idle[0];
for (const [k, v] of [...self].filter(([k]) => k !== "(idle)").sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${((v / busy) * 100).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}
