// The `restart` benchmark: an lmdb store holding 1M retained messages and 100k sessions with subscriptions
// (written straight through the store API), then the time from starting the quarkmq binary on it to
// "quarkmq listening", and its RSS once listening. Prints one JSON line.
// Usage: node --import tsx bench/broker/restart.ts [--retained 1000000] [--sessions 100000]
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LmdbStore } from "../../host/store/lmdb.ts";
import { root } from "./brokers.ts";

const { values } = parseArgs({ options: { retained: { type: "string", default: "1000000" }, sessions: { type: "string", default: "100000" } } });
const retained = Number(values.retained), sessions = Number(values.sessions);
const dir = mkdtempSync(join(tmpdir(), "quarkmq-bench-restart-"));
const dataDir = join(dir, "data");

const fillStart = performance.now();
const store = LmdbStore.open({ path: dataDir });
await store.load(Date.now());
const payload = Buffer.alloc(64, 0x61);
for (let i = 0; i < retained; i++) {
  store.putRetained({ topicName: `r/${i >> 10}/${i & 1023}`, payload, qos: 1, retain: true, properties: undefined, expiresAt: 0 });
  if (i % 50_000 === 49_999) await store.whenCommitted();
}
for (let i = 0; i < sessions; i++) {
  store.putSession({ clientId: `c${i}`, expiryInterval: 0xffffffff, will: undefined, disconnectedAt: Date.now(),
    subscriptions: [{ topicFilter: `s/${i}/+`, options: 1, subscriptionId: 0 }, { topicFilter: `g/${i % 100}/#`, options: 1, subscriptionId: 0 }] });
  if (i % 50_000 === 49_999) await store.whenCommitted();
}
await store.close();
const fillMs = performance.now() - fillStart;

function rssMB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

const started = performance.now();
const child = spawn(process.execPath, ["--import", "tsx", "host/cli.ts", "--port", "0", "--data-dir", dataDir], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
let out = "";
const listening = await new Promise<number>((resolve, reject) => {
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.includes('"msg":"quarkmq listening"')) resolve(performance.now() - started);
  });
  child.on("exit", (code) => reject(new Error(`quarkmq exited ${code}: ${out.slice(-2000)}`)));
});
const restored = /"msg":"store restored"/.test(out);
await new Promise((resolve) => setTimeout(resolve, 1000));
const rss = rssMB(child.pid!);
child.kill("SIGKILL");
const revision = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim();
console.log(JSON.stringify({ bench: "restart", revision, retained, sessions, subscriptions: sessions * 2, restored,
  storeMB: Math.round(statSync(join(dataDir, "data.mdb")).size / 1e5) / 10, fillS: Math.round(fillMs / 100) / 10,
  startToListeningS: Math.round(listening / 10) / 100, rssAfterMB: Math.round(rss) }));
rmSync(dir, { recursive: true, force: true });
