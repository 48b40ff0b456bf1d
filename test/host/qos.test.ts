// PUBLISH at QoS 0, 1 and 2 in both directions, through real mqtt.js clients, at 3.1.1 and 5.0.
import { afterEach, describe, expect, it } from "vitest";
import { Harness, collect, messages, nextMessage } from "../helpers/broker.ts";

describe.each([4, 5] as const)("protocol %i", (protocolVersion) => {
  const h = new Harness();
  afterEach(() => h.close());

  it.each([0, 1, 2] as const)("QoS %i publish is delivered at the granted QoS", async (qos) => {
    await h.start();
    const sub = await h.connect({ protocolVersion });
    await sub.subscribeAsync("a/+", { qos: 2 });
    const pub = await h.connect({ protocolVersion });
    const got = nextMessage(sub);
    await pub.publishAsync("a/b", "hello", { qos });
    const message = await got;
    expect(message.topic).toBe("a/b");
    expect(message.payload.toString()).toBe("hello");
    expect(message.packet.qos).toBe(qos);
    expect(h.broker.stats.messagesIn).toBe(1);
  });

  it(`${protocolVersion === 5 ? "v5 [MQTT-3.8.4-8] " : ""}delivery QoS is the minimum of publish QoS and granted QoS`, async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion });
    await sub.subscribeAsync("q", { qos: 1 });
    const pub = await h.connect({ protocolVersion });
    const got = messages(sub, 2);
    await pub.publishAsync("q", "two", { qos: 2 });
    await pub.publishAsync("q", "zero", { qos: 0 });
    const [a, b] = await got;
    expect(a!.packet.qos).toBe(1);
    expect(b!.packet.qos).toBe(0);
  });

  it("a 0-byte payload and a 1 MB payload round trip", async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion });
    await sub.subscribeAsync("big", { qos: 1 });
    const pub = await h.connect({ protocolVersion });
    const big = Buffer.alloc(1 << 20, 7);
    big[12345] = 1;
    const got = messages(sub, 2, 10_000);
    await pub.publishAsync("big", Buffer.alloc(0), { qos: 1 });
    await pub.publishAsync("big", big, { qos: 1 });
    const [empty, large] = await got;
    expect(empty!.payload.length).toBe(0);
    expect(large!.payload.equals(big)).toBe(true);
  });

  it(`${protocolVersion === 5 ? "v5 [MQTT-3.3.4-2]" : "v3.1.1 [MQTT-3.3.5-1]"} overlapping subscriptions deliver one copy at the highest granted QoS`, async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion });
    await sub.subscribeAsync({ "x/#": { qos: 0 }, "x/+": { qos: 1 }, "x/y": { qos: 2 } });
    const pub = await h.connect({ protocolVersion });
    const got = collect(sub, 400);
    await pub.publishAsync("x/y", "m", { qos: 2 });
    const all = await got;
    expect(all.length).toBe(1);
    expect(all[0]!.packet.qos).toBe(2);
  });

  it(`${protocolVersion === 5 ? "v5 [MQTT-4.6.0-5]" : "v3.1.1 [MQTT-4.6.0-6]"} messages of one topic and QoS arrive in the order published`, async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion });
    await sub.subscribeAsync("seq", { qos: 2 });
    const pub = await h.connect({ protocolVersion });
    const got = messages(sub, 500, 10_000);
    for (let i = 0; i < 500; i++) pub.publish("seq", String(i), { qos: (i % 3) as 0 | 1 | 2 });
    const all = await got;
    for (const qos of [0, 1, 2]) {
      const seen = all.filter((m) => m.packet.qos === qos).map((m) => Number(m.payload.toString()));
      expect(seen).toEqual([...Array(500).keys()].filter((i) => i % 3 === qos));
    }
  });
});

describe("MQTT 3.1", () => {
  const h = new Harness();
  afterEach(() => h.close());

  it("a 3.1 (MQIsdp) client subscribes and receives QoS 1 and 2 from a v5 publisher", async () => {
    await h.start();
    const old = await h.connect({ protocolVersion: 3, protocolId: "MQIsdp" });
    await old.subscribeAsync("legacy/#", { qos: 2 });
    const pub = await h.connect({ protocolVersion: 5 });
    const got = messages(old, 2);
    await pub.publishAsync("legacy/a", "one", { qos: 1, properties: { contentType: "text/plain" } });
    await pub.publishAsync("legacy/b", "two", { qos: 2 });
    expect((await got).map((m) => [m.topic, m.payload.toString(), m.packet.qos])).toEqual([["legacy/a", "one", 1], ["legacy/b", "two", 2]]);
  });
});
