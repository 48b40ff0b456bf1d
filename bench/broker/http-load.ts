// The `http` scenarios: autocannon (its own process) against the broker's HTTP face, either
// POST /api/v1/publish (each request's payload a unique id that a QoS 1 subscriber must receive exactly
// once, every 200 delivered) or GET /metrics; requests per broker CPU-second and latency percentiles.
import { spawn } from "node:child_process";
import { join } from "node:path";
import mqtt from "mqtt";
import { benchAdminToken, root, type RunningBroker } from "./brokers.ts";
import { sample } from "./proc-stats.ts";
import type { HttpParams } from "./scenarios.ts";

const topic = "bench/http";

interface Cannon { requestsPerS: number; latP50: number; latP99: number; ok2xx: number; errors: number }

function autocannon(url: string, connections: number, seconds: number, extra: string[]): Promise<Cannon> {
  return new Promise((resolve, reject) => {
    const args = [join(root, "node_modules/autocannon/autocannon.js"), "-j", "-c", String(connections), "-d", String(seconds), ...extra, url];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("exit", () => {
      try {
        const r = JSON.parse(out);
        resolve({ requestsPerS: r.requests.average, latP50: r.latency.p50, latP99: r.latency.p99, ok2xx: r["2xx"], errors: r.errors + r.non2xx });
      } catch { reject(new Error(`autocannon gave no result for ${url}`)); }
    });
  });
}

/** A QoS 1 subscriber to the publish topic, counting distinct payloads and repeats. */
async function subscriber(port: number) {
  const client = mqtt.connect({ host: "127.0.0.1", port, protocolVersion: 4, reconnectPeriod: 0, clientId: "bench-http-sub" });
  const seen = new Set<string>();
  const state = { duplicates: 0, wrong: 0 };
  client.on("message", (t, payload) => {
    const id = payload.toString();
    if (t !== topic || !/^[A-Za-z0-9_-]{22,}$/.test(id)) state.wrong++; // hyperid, url-safe and fixed length
    else if (seen.has(id)) state.duplicates++;
    else seen.add(id);
  });
  await new Promise<void>((resolve, reject) => { client.once("connect", () => resolve()); client.once("error", reject); });
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, seen, state };
}

/** Runs one http scenario against a started broker; figures, or the reason it failed verification. */
export async function runHttp(broker: RunningBroker, p: HttpParams, durationS: number): Promise<{ figures: Record<string, number>; error?: string }> {
  const base = `http://127.0.0.1:${broker.httpPort}`;
  if (p.target === "metrics") {
    const before = sample(broker.pid);
    const r = await autocannon(`${base}/metrics`, p.connections, durationS, []);
    const cpuS = (sample(broker.pid).cpuMs - before.cpuMs) / 1000;
    const figures = { requestsPerS: r.requestsPerS, requestsPerCpuS: r.ok2xx / cpuS, latP50: r.latP50, latP99: r.latP99 };
    return { figures, error: r.errors ? `${r.errors} HTTP errors` : undefined };
  }
  const sub = await subscriber(broker.port);
  try {
    const before = sample(broker.pid);
    const r = await autocannon(`${base}/api/v1/publish`, p.connections, durationS, [
      "-m", "POST", "-I", "-H", "content-type=application/json", "-H", `authorization=Bearer ${benchAdminToken}`,
      "-b", JSON.stringify({ topic, payload: "[<id>]", qos: 1 }),
    ]);
    const cpuS = (sample(broker.pid).cpuMs - before.cpuMs) / 1000;
    // Every 200 is a message the subscriber must get; requests cut off when autocannon stops may add up to `connections` more.
    for (let waited = 0; sub.seen.size < r.ok2xx && waited < 5000; waited += 50) await new Promise((t) => setTimeout(t, 50));
    const delivered = sub.seen.size;
    const figures = { requestsPerS: r.requestsPerS, requestsPerCpuS: r.ok2xx / cpuS, latP50: r.latP50, latP99: r.latP99, delivered, published: r.ok2xx, duplicates: sub.state.duplicates };
    const error = r.errors ? `${r.errors} HTTP errors`
      : delivered < r.ok2xx ? `lost: ${r.ok2xx - delivered} of ${r.ok2xx} acknowledged publishes never reached the subscriber`
      : delivered > r.ok2xx + p.connections ? `${delivered - r.ok2xx} deliveries more than publishes`
      : sub.state.wrong ? `${sub.state.wrong} deliveries with a wrong topic or payload`
      : sub.state.duplicates ? `${sub.state.duplicates} duplicate deliveries`
      : undefined;
    return { figures, error };
  } finally {
    await sub.client.endAsync(true).catch(() => undefined);
  }
}
