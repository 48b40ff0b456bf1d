// GET /metrics over a real socket: strict Prometheus text, and counters and gauges that move as mqtt.js
// clients (and a raw client that never acknowledges) connect, subscribe and publish through the broker.
import { afterEach, describe, expect, it } from "vitest";
import type { BrokerOptions } from "../../host/index.ts";
import { delay, Harness, messages, nextMessage } from "../helpers/broker.ts";
import { request } from "../helpers/http-request.ts";
import { parsePrometheusText, sampleValue, type Family } from "../helpers/prometheus-text.ts";
import { connectBytes, subscribeBytes } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

async function start(options: Partial<BrokerOptions> = {}): Promise<void> {
  await h.start({ http: { host: "127.0.0.1", port: 0 }, sysInterval: 0, ...options });
}

async function scrape(): Promise<Map<string, Family>> {
  const answer = await request(h.httpPort, "/metrics");
  expect(answer.status).toBe(200);
  expect(answer.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(answer.text);
}

const families: Array<[string, string]> = [
  ["quarkmq_connections", "gauge"], ["quarkmq_sessions", "gauge"], ["quarkmq_subscriptions", "gauge"],
  ["quarkmq_retained_messages", "gauge"], ["quarkmq_inflight_messages", "gauge"], ["quarkmq_queued_messages", "gauge"],
  ["quarkmq_queued_bytes", "gauge"], ["quarkmq_messages_received_total", "counter"], ["quarkmq_messages_sent_total", "counter"],
  ["quarkmq_message_received_bytes_total", "counter"], ["quarkmq_message_sent_bytes_total", "counter"],
  ["quarkmq_network_received_bytes_total", "counter"], ["quarkmq_network_sent_bytes_total", "counter"],
  ["quarkmq_messages_dropped_total", "counter"], ["quarkmq_protocol_errors_total", "counter"],
  ["quarkmq_connections_accepted_total", "counter"], ["quarkmq_clients_connected_total", "counter"],
  ["quarkmq_limits_hit_total", "counter"],
  ["process_resident_memory_bytes", "gauge"], ["nodejs_heap_size_used_bytes", "gauge"], ["nodejs_eventloop_lag_p99_seconds", "gauge"],
];

describe("/metrics", () => {
  it("is strict Prometheus text holding every family the README lists, with its type and help", async () => {
    await start();
    const scraped = await scrape();
    for (const [name, type] of families) {
      expect(scraped.get(name)?.type, name).toBe(type);
      expect(scraped.get(name)!.help.length, name).toBeGreaterThan(0);
    }
    expect(scraped.get("process_resident_memory_bytes")!.samples[0]!.value).toBeGreaterThan(1e6);
    expect(sampleValue(scraped, "quarkmq_connections", { transport: "tcp" })).toBe(0);
  });

  it("counters move by QoS as mqtt.js clients publish and receive; gauges follow connections and subscriptions", async () => {
    await start();
    const sub = await h.connect({ protocolVersion: 5, clientId: "sub" });
    await sub.subscribeAsync("m/#", { qos: 2 });
    const pub = await h.connect({ protocolVersion: 4, clientId: "pub" });
    const before = await scrape();
    const got = messages(sub, 6);
    for (const [qos, payload] of [[0, "a"], [0, "bb"], [0, "ccc"], [1, "dddd"], [1, "eeeee"], [2, "ffffff"]] as const) {
      await pub.publishAsync(`m/${qos}`, payload, { qos });
    }
    await got;
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect([0, 1, 2].map((qos) => delta("quarkmq_messages_received_total", { qos: String(qos) }))).toEqual([3, 2, 1]);
    expect([0, 1, 2].map((qos) => delta("quarkmq_messages_sent_total", { qos: String(qos) }))).toEqual([3, 2, 1]);
    expect([0, 1, 2].map((qos) => delta("quarkmq_message_received_bytes_total", { qos: String(qos) }))).toEqual([6, 9, 6]);
    expect([0, 1, 2].map((qos) => delta("quarkmq_message_sent_bytes_total", { qos: String(qos) }))).toEqual([6, 9, 6]);
    expect(delta("quarkmq_network_received_bytes_total")).toBeGreaterThan(6 + 9 + 6);
    expect(delta("quarkmq_network_sent_bytes_total")).toBeGreaterThan(6 + 9 + 6);
    expect(sampleValue(after, "quarkmq_connections", { transport: "tcp" })).toBe(2);
    expect(sampleValue(after, "quarkmq_sessions", { state: "online" })).toBe(2);
    expect(sampleValue(after, "quarkmq_subscriptions")).toBe(1);
    expect(sampleValue(after, "quarkmq_clients_connected_total")).toBe(2);
    expect(sampleValue(after, "quarkmq_connections_accepted_total")).toBe(2);
  });

  it("drops are counted by reason: no subscribers, too large, queue full, expired", async () => {
    await start({ maxQueuedMessages: 2 });
    const pub = await h.connect({ protocolVersion: 5, clientId: "pub" });
    const small = await h.connect({ protocolVersion: 5, clientId: "small", properties: { maximumPacketSize: 64 } });
    await small.subscribeAsync("big", { qos: 0 });
    const offline = await h.connect({ protocolVersion: 5, clientId: "offline", clean: false, properties: { sessionExpiryInterval: 60 } });
    await offline.subscribeAsync("q", { qos: 1 });
    await offline.endAsync();
    const before = await scrape();
    await pub.publishAsync("nobody/listens", "x", { qos: 1 });
    await pub.publishAsync("big", Buffer.alloc(200), { qos: 1 });
    await pub.publishAsync("q", "kept, expires", { qos: 1, properties: { messageExpiryInterval: 1 } });
    await pub.publishAsync("q", "kept", { qos: 1 });
    await pub.publishAsync("q", "over the limit", { qos: 1 });
    const queued = await scrape();
    expect(sampleValue(queued, "quarkmq_sessions", { state: "offline" })).toBe(1);
    expect(sampleValue(queued, "quarkmq_queued_messages")).toBe(2);
    expect(sampleValue(queued, "quarkmq_queued_bytes")).toBe("kept, expires".length + "kept".length);
    await delay(1100);
    const back = h.client({ protocolVersion: 5, clientId: "offline", clean: false, properties: { sessionExpiryInterval: 60 } });
    expect((await nextMessage(back)).payload.toString()).toBe("kept"); // listening before CONNACK: the queue follows it at once
    const after = await scrape();
    const dropped = (reason: string) => sampleValue(after, "quarkmq_messages_dropped_total", { reason }) - sampleValue(before, "quarkmq_messages_dropped_total", { reason });
    expect(["no_subscribers", "too_large", "queue_full", "expired"].map(dropped)).toEqual([1, 1, 1, 1]);
  });

  it("retained and in-flight gauges: a retained message, and a QoS 1 delivery a raw client never acknowledges", async () => {
    await start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 4, clientId: "silent" }));
    await raw.packet();
    raw.send(subscribeBytes(4, 1, "inflight/t", 1));
    await raw.packet();
    const pub = await h.connect({ protocolVersion: 4 });
    await pub.publishAsync("inflight/t", "unacknowledged", { qos: 1 });
    await pub.publishAsync("kept/t", "retained", { qos: 1, retain: true });
    expect((await raw.packet())[0]! >> 4).toBe(3); // the PUBLISH, never PUBACKed
    const scraped = await scrape();
    expect(sampleValue(scraped, "quarkmq_inflight_messages")).toBe(1);
    expect(sampleValue(scraped, "quarkmq_retained_messages")).toBe(1);
  });
});

describe("/metrics limits", () => {
  it("quarkmq_limits_hit_total counts refused logins and a subscription over maxSubscriptionsPerClient", async () => {
    await start({ hooks: { authenticate: (e) => e.password?.toString() === "right" }, maxSubscriptionsPerClient: 1 });
    const before = await scrape();
    await expect(h.connect({ protocolVersion: 5, clientId: "bad", username: "u", password: "wrong", reconnectPeriod: 0 })).rejects.toThrow();
    const ok = await h.connect({ protocolVersion: 5, clientId: "ok", username: "u", password: "right" });
    await ok.subscribeAsync("a/1");
    await expect(ok.subscribeAsync("a/2")).rejects.toThrow(/Quota exceeded/); // SUBACK 0x97
    const after = await scrape();
    const delta = (limit: string) => sampleValue(after, "quarkmq_limits_hit_total", { limit }) - sampleValue(before, "quarkmq_limits_hit_total", { limit });
    expect(delta("login_failures")).toBe(1);
    expect(delta("subscriptions")).toBe(1);
    expect(delta("topic_levels")).toBe(0);
  });
});
