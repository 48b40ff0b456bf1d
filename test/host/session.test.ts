// Sessions: clean / persistent, session present, takeover, offline queueing, resend with DUP,
// v5 session expiry, and the QoS 2 duplicate rule.
import { afterEach, describe, expect, it } from "vitest";
import { Harness, collect, delay, messages, nextMessage, once } from "../helpers/broker.ts";
import { connectBytes, packet, publishBytes, subscribeBytes } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

/** Persistent-session options per protocol version. */
const persistent = (protocolVersion: 4 | 5, clientId: string) => protocolVersion === 5
  ? { protocolVersion, clientId, clean: false, properties: { sessionExpiryInterval: 300 } }
  : { protocolVersion, clientId, clean: false };

describe.each([4, 5] as const)("protocol %i", (protocolVersion) => {
  it(`${protocolVersion === 5 ? "v5 [MQTT-3.2.2-3]" : "v3.1.1 [MQTT-3.2.2-2]"} a resumed session is present and gets the QoS 1 messages queued while offline`, async () => {
    await h.start();
    const first = await h.connect(persistent(protocolVersion, "keeper"));
    await first.subscribeAsync("q/#", { qos: 1 });
    await first.endAsync();
    const pub = await h.connect({ protocolVersion });
    await pub.publishAsync("q/1", "one", { qos: 1 });
    await pub.publishAsync("q/2", "two", { qos: 1 });
    await pub.publishAsync("q/3", "zero", { qos: 0 });
    const again = h.client(persistent(protocolVersion, "keeper"));
    const got = messages(again, 2);
    const connack = await once<{ sessionPresent: boolean }>(again, "connect");
    expect(connack.sessionPresent).toBe(true);
    expect((await got).map((m) => m.payload.toString())).toEqual(["one", "two"]);
    expect(await collect(again, 200)).toEqual([]);
  });

  it(`${protocolVersion === 5 ? "v5 [MQTT-3.1.2-4]" : "v3.1.1 [MQTT-3.1.2-6]"} clean start discards the session: session present 0, nothing queued`, async () => {
    await h.start();
    const first = await h.connect(persistent(protocolVersion, "cleaner"));
    await first.subscribeAsync("c", { qos: 1 });
    await first.endAsync();
    const pub = await h.connect({ protocolVersion });
    await pub.publishAsync("c", "lost", { qos: 1 });
    const again = h.client({ protocolVersion, clientId: "cleaner", clean: true });
    const connack = await once<{ sessionPresent: boolean }>(again, "connect");
    expect(connack.sessionPresent).toBe(false);
    expect(await collect(again, 300)).toEqual([]);
  });

  it(`${protocolVersion === 5 ? "v5 [MQTT-3.1.4-3]" : "v3.1.1 [MQTT-3.1.4-2]"} a second connection with the same client id takes over the session`, async () => {
    await h.start();
    const first = await h.connect({ ...persistent(protocolVersion, "twin"), reconnectPeriod: 0 });
    await first.subscribeAsync("t", { qos: 1 });
    const closed = once(first, "close");
    const disconnect = protocolVersion === 5 ? once<{ reasonCode: number }>(first, "disconnect") : undefined;
    const second = await h.connect(persistent(protocolVersion, "twin"));
    await closed;
    if (disconnect) expect((await disconnect).reasonCode).toBe(0x8e);
    const pub = await h.connect({ protocolVersion });
    const got = nextMessage(second);
    await pub.publishAsync("t", "to the new one", { qos: 1 });
    expect((await got).payload.toString()).toBe("to the new one");
    expect(h.broker.stats.connections).toBe(2);
  });

  it("offline queueing stops at maxQueuedMessages; the rest are counted as dropped", async () => {
    await h.start({ maxQueuedMessages: 3 });
    const first = await h.connect(persistent(protocolVersion, "slow"));
    await first.subscribeAsync("d", { qos: 1 });
    await first.endAsync();
    const pub = await h.connect({ protocolVersion });
    for (let i = 0; i < 6; i++) await pub.publishAsync("d", String(i), { qos: 1 });
    expect(h.broker.stats.dropped).toBe(3);
    const again = h.client(persistent(protocolVersion, "slow"));
    const got = await messages(again, 3);
    expect(got.map((m) => m.payload.toString())).toEqual(["0", "1", "2"]);
  });

  it("offline queueing stops at maxQueuedBytes of payload; the rest are counted as dropped, at QoS 1 and 2", async () => {
    await h.start({ maxQueuedBytes: 2500 });
    const first = await h.connect(persistent(protocolVersion, "bytes"));
    await first.subscribeAsync("d", { qos: 2 });
    await first.endAsync();
    const pub = await h.connect({ protocolVersion });
    for (let i = 0; i < 3; i++) await pub.publishAsync("d", String(i).repeat(1000), { qos: 1 });
    for (let i = 3; i < 6; i++) await pub.publishAsync("d", String(i).repeat(1000), { qos: 2 });
    await pub.publishAsync("d", "", { qos: 1 }); // no payload bytes: still fits
    expect(h.broker.stats.dropped).toBe(4);
    const again = h.client(persistent(protocolVersion, "bytes"));
    const got = await messages(again, 3);
    expect(got.map((m) => m.payload.toString())).toEqual(["0".repeat(1000), "1".repeat(1000), ""]);
    expect(await collect(again, 200)).toEqual([]);
  });

  it("an offline session's empty queue takes one message larger than maxQueuedBytes; the next is dropped", async () => {
    await h.start({ maxQueuedBytes: 1000 });
    const first = await h.connect(persistent(protocolVersion, "big-one"));
    await first.subscribeAsync("e", { qos: 1 });
    await first.endAsync();
    const pub = await h.connect({ protocolVersion });
    await pub.publishAsync("e", "a".repeat(5000), { qos: 1 });
    await pub.publishAsync("e", "b".repeat(10), { qos: 1 });
    expect(h.broker.stats.dropped).toBe(1);
    const again = h.client(persistent(protocolVersion, "big-one"));
    const got = await messages(again, 1);
    expect(got.map((m) => m.payload.toString())).toEqual(["a".repeat(5000)]);
    expect(await collect(again, 200)).toEqual([]);
  });
});

describe("resend", () => {
  it.each([4, 5] as const)("[MQTT-4.4.0-1] protocol %i: an unacknowledged QoS 1 PUBLISH is resent with DUP on reconnect", async (level) => {
    await h.start();
    const expiry = level === 5 ? [0x11, 0, 0, 0, 60] : [];
    const raw = await h.raw();
    raw.send(connectBytes({ level, clientId: "redo", cleanStart: false, properties: expiry }));
    await raw.packet();
    raw.send(subscribeBytes(level, 1, "r", 1));
    await raw.packet();
    const pub = await h.connect({ protocolVersion: level });
    await pub.publishAsync("r", "again", { qos: 1 });
    const first = await raw.packet();
    expect(first[0]).toBe(0x32);
    raw.close();
    await delay(50);
    const back = await h.raw();
    back.send(connectBytes({ level, clientId: "redo", cleanStart: false, properties: expiry }));
    const connack = await back.packet();
    expect(connack[2]).toBe(1); // session present
    const resent = await back.packet();
    expect(resent[0]).toBe(0x3a); // DUP | QoS 1
    expect(resent.subarray(1)).toEqual(first.subarray(1));
  });

  it.each([4, 5] as const)("[MQTT-4.4.0-1] protocol %i: a PUBREL not yet completed is resent on reconnect, the PUBLISH is not", async (level) => {
    await h.start();
    const expiry = level === 5 ? [0x11, 0, 0, 0, 60] : [];
    const raw = await h.raw();
    raw.send(connectBytes({ level, clientId: "half", cleanStart: false, properties: expiry }));
    await raw.packet();
    raw.send(subscribeBytes(level, 1, "q2", 2));
    await raw.packet();
    await h.broker.publish({ topicName: "q2", payload: "exactly once", qos: 2 });
    const publish = await raw.packet();
    expect(publish[0]).toBe(0x34);
    const id = publish.subarray(6, 8);
    raw.send(packet(0x50, [...id]));
    expect([...await raw.packet()]).toEqual([0x62, 0x02, ...id]);
    raw.close();
    await delay(50);
    const back = await h.raw();
    back.send(connectBytes({ level, clientId: "half", cleanStart: false, properties: expiry }));
    expect((await back.packet())[2]).toBe(1);
    expect([...await back.packet()]).toEqual([0x62, 0x02, ...id]);
    back.send(packet(0x70, [...id]));
    await expect(back.packet(300)).rejects.toThrow();
  });

  for (const level of [4, 5] as const) it(`protocol ${level}: ${level === 5 ? "v5 [MQTT-4.3.3-10] " : ""}a QoS 2 PUBLISH resent before PUBREL is acknowledged again but not delivered twice`, async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion: 4 });
    await sub.subscribeAsync("dup", { qos: 2 });
    const raw = await h.raw();
    raw.send(connectBytes({ level }));
    await raw.packet();
    const got = collect(sub, 400);
    raw.send(publishBytes(level, "dup", "once", 2, 7));
    expect([...await raw.packet()]).toEqual([0x50, 0x02, 0x00, 0x07]);
    raw.send(publishBytes(level, "dup", "once", 2, 7, [], 0x08));
    expect([...await raw.packet()]).toEqual([0x50, 0x02, 0x00, 0x07]);
    raw.send(packet(0x62, [0x00, 0x07]));
    expect([...await raw.packet()]).toEqual([0x70, 0x02, 0x00, 0x07]);
    expect((await got).length).toBe(1);
  });
});

describe("v5 session expiry", () => {
  it("v5 a session with expiry 1 s is gone 1.5 s after the connection closed", async () => {
    await h.start();
    const first = await h.connect({ protocolVersion: 5, clientId: "brief", clean: false, properties: { sessionExpiryInterval: 1 } });
    await first.subscribeAsync("e", { qos: 1 });
    await first.endAsync();
    await delay(1500);
    const again = h.client({ protocolVersion: 5, clientId: "brief", clean: false, properties: { sessionExpiryInterval: 1 } });
    const connack = await once<{ sessionPresent: boolean }>(again, "connect");
    expect(connack.sessionPresent).toBe(false);
  });

  it("v5 [MQTT-3.1.2-23] a session expiry beyond setTimeout's 24.8 days set on DISCONNECT keeps the session and its queue", async () => {
    await h.start();
    const first = await h.connect({ protocolVersion: 5, clientId: "lasting", clean: true, properties: { sessionExpiryInterval: 99_999 } });
    await first.subscribeAsync("long/e", { qos: 1 });
    await first.endAsync(false, { properties: { sessionExpiryInterval: 999_999_999 } });
    await delay(100);
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("long/e", "kept", { qos: 1 });
    const again = h.client({ protocolVersion: 5, clientId: "lasting", clean: false });
    const got = messages(again, 1);
    const connack = await once<{ sessionPresent: boolean }>(again, "connect");
    expect(connack.sessionPresent).toBe(true);
    expect((await got).map((m) => m.payload.toString())).toEqual(["kept"]);
  });

  it("v5 [MQTT-3.1.2-23] a session with expiry 0xFFFFFFFE set on CONNECT is still present after the connection closed", async () => {
    await h.start();
    const first = await h.connect({ protocolVersion: 5, clientId: "almost-forever", clean: false, properties: { sessionExpiryInterval: 0xfffffffe } });
    await first.subscribeAsync("e", { qos: 1 });
    await first.endAsync();
    await delay(100);
    const again = h.client({ protocolVersion: 5, clientId: "almost-forever", clean: false });
    const connack = await once<{ sessionPresent: boolean }>(again, "connect");
    expect(connack.sessionPresent).toBe(true);
  });

  it("v5 a session with expiry 0 ends with its connection", async () => {
    await h.start();
    const first = await h.connect({ protocolVersion: 5, clientId: "gone", clean: false });
    await first.subscribeAsync("e", { qos: 1 });
    await first.endAsync();
    const again = h.client({ protocolVersion: 5, clientId: "gone", clean: false });
    const connack = await once<{ sessionPresent: boolean }>(again, "connect");
    expect(connack.sessionPresent).toBe(false);
  });
});

describe("flow control", () => {
  it("a connected QoS 1 subscriber that keeps acknowledging loses nothing, even past maxQueuedMessages", async () => {
    await h.start({ maxQueuedMessages: 20, maxInflightMessages: 2 });
    const sub = await h.connect({ protocolVersion: 4 });
    await sub.subscribeAsync("flow", { qos: 1 });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 4 }));
    await raw.packet();
    const got = messages(sub, 300, 10_000);
    for (let chunk = 0; chunk < 10; chunk++) {
      const burst: number[] = [];
      for (let i = chunk * 30 + 1; i <= chunk * 30 + 30; i++) burst.push(...publishBytes(4, "flow", String(i), 1, i));
      raw.send(burst);
      await delay(5);
    }
    const all = await got;
    expect(all.map((m) => Number(m.payload.toString()))).toEqual([...Array(300).keys()].map((i) => i + 1));
    expect(h.broker.stats.dropped).toBe(0);
  });

  it("two clients publishing to each other at QoS 1 both get everything", async () => {
    await h.start({ maxQueuedMessages: 20, maxInflightMessages: 2 });
    const a = await h.connect({ protocolVersion: 5, clientId: "a" });
    const b = await h.connect({ protocolVersion: 4, clientId: "b" });
    await a.subscribeAsync("to/a", { qos: 1 });
    await b.subscribeAsync("to/b", { qos: 1 });
    const gotA = messages(a, 200, 10_000);
    const gotB = messages(b, 200, 10_000);
    for (let i = 0; i < 200; i++) {
      a.publish("to/b", String(i), { qos: 1 });
      b.publish("to/a", String(i), { qos: 1 });
    }
    expect((await gotA).length).toBe(200);
    expect((await gotB).length).toBe(200);
    expect(h.broker.stats.dropped).toBe(0);
  });
});
