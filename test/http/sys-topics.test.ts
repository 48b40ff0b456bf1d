// $SYS/broker/... topics with Mosquitto's names, received by a real `$SYS/#` subscriber with a short
// sysInterval: static version, counters that move with traffic, load averages, the limit counters, and none when
// sysInterval is 0.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { collect, delay, Harness } from "../helpers/broker.ts";

const h = new Harness();
afterEach(() => h.close());

/** The latest value of each $SYS topic received, once every topic of `names` has arrived (at most `ms`). */
function sysUntil(client: MqttClient, names: string[], ms: number): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  return new Promise((resolve, reject) => {
    const done = () => { clearTimeout(timer); client.off("message", onMessage); };
    const timer = setTimeout(() => { done(); reject(new Error(`missing: ${names.filter((n) => !values.has(n)).join(", ")}`)); }, ms);
    function onMessage(topic: string, payload: Buffer): void {
      values.set(topic, payload.toString());
      if (names.every((n) => values.has(n))) { done(); resolve(values); }
    }
    client.on("message", onMessage);
  });
}

describe("$SYS topics", () => {
  it("a $SYS/# subscriber receives Mosquitto's topics, retained, and counters that follow the traffic", async () => {
    await h.start({ sysInterval: 1 });
    const counts = ["clients/connected", "clients/disconnected", "clients/total", "clients/maximum", "messages/received", "messages/sent",
      "publish/messages/received", "publish/messages/sent", "bytes/received", "bytes/sent", "subscriptions/count", "retained messages/count",
      "load/messages/received/1min", "load/messages/sent/5min", "load/bytes/received/15min", "load/publish/received/1min", "load/connections/1min"];
    const sys = h.client({ protocolVersion: 4, clientId: "watcher" });
    const first = sysUntil(sys, ["version", "uptime", ...counts].map((n) => `$SYS/broker/${n}`), 5000);
    await sys.subscribeAsync("$SYS/#", { qos: 0 });
    const retained = await first;
    const latest = new Map(retained);
    sys.on("message", (topic, payload) => latest.set(topic, payload.toString()));
    expect(retained.get("$SYS/broker/version")).toMatch(/^quarkmq version \d+\.\d+\.\d+/);
    expect(retained.get("$SYS/broker/uptime")).toMatch(/^\d+ seconds$/);
    for (const name of counts) expect(retained.get(`$SYS/broker/${name}`), name).toMatch(/^\d+(\.\d\d)?$/);

    const pub = await h.connect({ protocolVersion: 5, clientId: "pub" });
    const offline = await h.connect({ protocolVersion: 5, clientId: "offline", clean: false, properties: { sessionExpiryInterval: 60 } });
    await offline.subscribeAsync("s/#", { qos: 1 });
    await offline.endAsync();
    for (let i = 0; i < 5; i++) await pub.publishAsync("s/x", "12345678", { qos: 1, retain: i === 0 });
    const value = (name: string) => Number(latest.get(`$SYS/broker/${name}`));
    for (let waited = 0; waited < 5000 && (value("publish/messages/received") !== 5 || value("clients/disconnected") !== 1); waited += 100) await delay(100);
    expect(value("clients/connected")).toBe(2); // watcher and pub
    expect(value("clients/disconnected")).toBe(1); // the offline persistent session
    expect(value("clients/total")).toBe(3);
    expect(value("subscriptions/count")).toBe(2);
    expect(value("publish/messages/received")).toBe(5);
    expect(value("publish/bytes/received")).toBe(40);
    expect(value("messages/received")).toBeGreaterThanOrEqual(5 + 3 + 1); // PUBLISH, CONNECT and SUBSCRIBE packets at least
    expect(value("bytes/received")).toBeGreaterThan(40);
    expect(value("retained messages/count")).toBeGreaterThanOrEqual(1);
    expect(value("load/publish/received/1min")).toBeGreaterThan(0);
    expect(Number(latest.get("$SYS/broker/uptime")!.split(" ")[0])).toBeGreaterThanOrEqual(1);
  });

  it("a limit hit shows in $SYS/broker/limits/<limit>/hits, retained, published again only when it changed", async () => {
    await h.start({ sysInterval: 1, maxClientIdLength: 23 });
    const topic = "$SYS/broker/limits/client_id_length/hits";
    const sys = h.client({ protocolVersion: 4, clientId: "watcher" });
    const values: string[] = [];
    const first = sysUntil(sys, [topic, "$SYS/broker/limits/login_failures/hits", "$SYS/broker/limits/acl_will/hits"], 5000);
    sys.on("message", (t, payload, packet) => { if (t === topic) values.push(`${payload.toString()}${packet.retain ? " (retained)" : ""}`); });
    await sys.subscribeAsync("$SYS/broker/limits/#", { qos: 0 });
    await first;
    const refused = new Promise<string>((resolve) => {
      h.client({ protocolVersion: 5, clientId: "x".repeat(24), reconnectPeriod: 0 }).once("error", (error) => resolve(error.message));
    });
    expect(await refused).toMatch(/Client Identifier not valid/i);
    for (let waited = 0; waited < 5000 && !values.includes("1"); waited += 100) await delay(100);
    await delay(1500); // at least one more tick: an unchanged value is not published again
    expect(values).toEqual(["0 (retained)", "1"]); // the value stored before the subscription, then the change
  });

  it("[MQTT-4.7.2-1] a # subscriber does not receive $SYS topics", async () => {
    await h.start({ sysInterval: 1 });
    const all = await h.connect({ protocolVersion: 4 });
    await all.subscribeAsync("#", { qos: 0 });
    expect((await collect(all, 1300)).map((m) => m.topic)).toEqual([]);
  });

  it("$SYS values are never written to the store: after a restart only the service's retained message is back", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "quarkmq-sys-")), "data");
    try {
      await h.start({ sysInterval: 1, persistence: true, dataDir });
      await h.broker.publish({ topicName: "kept/t", payload: "x", qos: 1, retain: true });
      expect(h.broker.retained.count).toBeGreaterThan(20);
      await h.close();
      await h.start({ sysInterval: 0, persistence: true, dataDir });
      expect(h.broker.retained.count).toBe(1);
    } finally {
      await h.close();
      rmSync(dirname(dataDir), { recursive: true, force: true });
    }
  });

  it("sysInterval 0 publishes nothing", async () => {
    await h.start({ sysInterval: 0 });
    const sys = await h.connect({ protocolVersion: 4 });
    await sys.subscribeAsync("$SYS/#", { qos: 0 });
    await delay(200);
    expect(h.broker.retained.count).toBe(0);
    expect(await collect(sys, 300)).toEqual([]);
  });
});
