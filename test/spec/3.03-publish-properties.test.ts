// Spec tests for the v5 PUBLISH properties (3.3.2.3): forwarded unaltered, Message Expiry counted down and
// enforced, Topic Aliases per connection, Subscription Identifiers carried; malformed values close.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProperties, startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { disconnect, hex, P, props, publish, subscribe, suback, T } from "../helpers/packets.ts";
import { expectPublish, subscribeOk, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("ppr");
const level = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Offset of a forwarded PUBLISH's Property Length: after the fixed header, the topicName and (QoS > 0) the packetId. */
const propsOffset = (p: Buffer) => {
  let i = 1;
  while (p[i]! & 0x80) i++;
  const topicAt = i + 1;
  return topicAt + 2 + p.readUInt16BE(topicAt) + ((p[0]! >> 1) & 3 ? 2 : 0);
};

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.3.2-4] v5 [MQTT-3.3.2-15] v5 [MQTT-3.3.2-16] v5 [MQTT-3.3.2-17] v5 [MQTT-3.3.2-18] v5 [MQTT-3.3.2-20] Payload Format Indicator, Response Topic, Correlation Data, User Properties (in order) and Content Type are forwarded unaltered", async () => {
    const topic = `pp/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic);
    const sent = props(
      P.payloadFormatIndicator(1),
      P.responseTopic("reply/here"),
      P.correlationData([0, 1, 2, 0xff]),
      P.userProperty("z", "1"),
      P.userProperty("a", "2"),
      P.userProperty("z", "3"),
      P.userProperty("long", "v".repeat(300)), // Property Length now needs two bytes
      P.contentType("text/plain; charset=utf-8"),
    );
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, properties: sent, payload: "hé" }));
    const got = await sub.expectType(T.PUBLISH);
    const byId = (list: [number, Buffer][]) => list.map(([pid, v]) => `${pid.toString(16)}=${hex(v)}`);
    const want = readProperties(Buffer.concat([Buffer.from([0x30, 0, 0, 1, 0x78]), sent]), 5);
    expect(byId(readProperties(got, propsOffset(got))).sort()).toEqual(byId(want).sort());
    expect(byId(readProperties(got, propsOffset(got)).filter(([pid]) => pid === 0x26))).toEqual(byId(want.filter(([pid]) => pid === 0x26)));
  });

  it("v5 [MQTT-3.3.2-6] a forwarded message's Message Expiry Interval is reduced by the time it waited in the server", async () => {
    const topic = `pp/${id()}`;
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, retain: true, properties: props(P.messageExpiryInterval(60)), payload: "e" }));
    await sleep(2100);
    const sub = await subscriber(broker, { level, clientId: id() }, topic);
    const got = await sub.expectType(T.PUBLISH);
    const expiry = readProperties(got, propsOffset(got)).find(([pid]) => pid === 0x02);
    expect(expiry, "Message Expiry Interval").toBeDefined();
    expect(expiry![1].readUInt32BE(0)).toBeLessThanOrEqual(58);
    expect(expiry![1].readUInt32BE(0)).toBeGreaterThanOrEqual(55);
  });

  it("v5 [MQTT-3.3.2-5] a queued message whose Message Expiry Interval passed is not delivered", async () => {
    const clientId = id();
    const topic = `pp/${clientId}`;
    const session = { level, clientId, cleanStart: false, properties: props(P.sessionExpiryInterval(60)) } as const;
    const sub = await subscriber(broker, session, topic, 1);
    sub.send(disconnect(level));
    await sub.expectClose();
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 1, properties: props(P.messageExpiryInterval(1)), payload: "stale" }));
    await pub.expectType(T.PUBACK);
    await sleep(2100);
    const again = await broker.connected(session);
    await again.expectSilence();
  });

  it("v5 [MQTT-3.3.2-12] v5 [MQTT-3.1.2-27] a Topic Alias set by the client is accepted; the server sends none to a client that allowed none", async () => {
    const topic = `pp/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(
      publish(level, { topic, properties: props(P.topicAlias(1)), payload: "set" }),
      publish(level, { topic: "", properties: props(P.topicAlias(1)), payload: "use" }),
    );
    await expectPublish(sub, level, { topic, payload: "set" });
    await expectPublish(sub, level, { topic, payload: "use" });
  });

  it("v5 [MQTT-3.3.2-12] a Topic Alias set again with another topicName maps to the new one", async () => {
    const base = `pp/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, `${base}/+`);
    const pub = await broker.connected({ level, clientId: id() });
    const alias = props(P.topicAlias(3));
    pub.send(
      publish(level, { topic: `${base}/one`, properties: alias, payload: "1" }),
      publish(level, { topic: `${base}/two`, properties: alias, payload: "2" }),
      publish(level, { topic: "", properties: alias, payload: "3" }),
    );
    await expectPublish(sub, level, { topic: `${base}/one`, payload: "1" });
    await expectPublish(sub, level, { topic: `${base}/two`, payload: "2" });
    await expectPublish(sub, level, { topic: `${base}/two`, payload: "3" });
  });

  it("v5 [MQTT-3.3.2-7] Topic Alias mappings do not carry over to a new connection", async () => {
    const topic = `pp/${id()}`;
    const clientId = id();
    const first = await broker.connected({ level, clientId });
    first.send(publish(level, { topic, properties: props(P.topicAlias(2)), payload: "set" }), disconnect(level));
    await first.expectClose();
    const second = await broker.connected({ level, clientId });
    second.send(publish(level, { topic: "", properties: props(P.topicAlias(2)), payload: "unknown" }));
    await second.expectDisconnect(0x82);
  });

  it("v5 [MQTT-3.3.4-3] v5 [MQTT-3.3.4-4] overlapping subscriptions with Subscription Identifiers: the copy carries all of them", async () => {
    const base = `pp/${id()}`;
    const sub = await broker.connected({ level, clientId: id() });
    sub.send(subscribe(level, 1, [[`${base}/#`, 0]], props(P.subscriptionIdentifier(7))));
    await sub.expect(suback(level, 1, [0]));
    sub.send(subscribe(level, 2, [[`${base}/+`, 0]], props(P.subscriptionIdentifier(300))));
    await sub.expect(suback(level, 2, [0]));
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic: `${base}/t`, payload: "ids" }));
    const copies = await sub.collect();
    expect(copies.length, "one copy").toBe(1);
    const ids = copies.flatMap((p) => readProperties(p, propsOffset(p)).filter(([pid]) => pid === 0x0b).map(([, v]) => hex(v)));
    expect(ids.sort()).toEqual([hex([0xac, 0x02]), hex([0x07])].sort());
  });

  it("v5 [MQTT-3.3.4-5] a shared and a non-shared subscription of one client: two copies, each with its own Subscription Identifier", async () => {
    const topic = `pp/${id()}`;
    const sub = await broker.connected({ level, clientId: id() });
    sub.send(subscribe(level, 1, [[`$share/g/${topic}`, 0]], props(P.subscriptionIdentifier(5))));
    await sub.expect(suback(level, 1, [0]));
    sub.send(subscribe(level, 2, [[topic, 0]], props(P.subscriptionIdentifier(6))));
    await sub.expect(suback(level, 2, [0]));
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, payload: "twice" }));
    const copies = await sub.collect();
    expect(copies.length, "a copy per subscription (4.8.2: the shared one is delivered on its own)").toBe(2);
    const idsOf = (p: Buffer) => readProperties(p, propsOffset(p)).filter(([pid]) => pid === 0x0b).map(([, v]) => hex(v));
    expect(copies.map(idsOf).sort()).toEqual([[hex([5])], [hex([6])]]);
  });

  it("v5 [MQTT-3.3.4-3] a retained message sent for a new subscription carries its Subscription Identifier", async () => {
    const topic = `pp/${id()}`;
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, retain: true, payload: "r" }));
    const sub = await broker.connected({ level, clientId: id() });
    sub.send(subscribe(level, 1, [[topic, 0]], props(P.subscriptionIdentifier(42))));
    await sub.expect(suback(level, 1, [0]));
    await expectPublish(sub, level, { topic, retain: true, properties: props(P.subscriptionIdentifier(42)), payload: "r" });
  });

  it("v5 [MQTT-3.3.4-3] the largest Subscription Identifier, 268,435,455 (a four-byte Variable Byte Integer), is carried", async () => {
    const topic = `pp/${id()}`;
    const sub = await broker.connected({ level, clientId: id() });
    sub.send(subscribe(level, 1, [[topic, 0]], props(P.subscriptionIdentifier(268_435_455))));
    await sub.expect(suback(level, 1, [0]));
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, payload: "max" }));
    await expectPublish(sub, level, { topic, properties: props(P.subscriptionIdentifier(268_435_455)), payload: "max" });
  });

  it("v5 [MQTT-3.3.2-13] a Response Topic that is not well-formed UTF-8 closes the connection", async () => {
    const c = await broker.connected({ level, clientId: id() });
    const bad = Buffer.from([0x08, 0x00, 0x02, 0x61, 0xff]); // Response Topic "a" + 0xFF
    c.send(publish(level, { topic: "a", properties: Buffer.concat([Buffer.from([bad.length]), bad]), payload: "x" }));
    await c.expectDisconnect(0x81);
  });

  it("v5 [MQTT-3.3.2-14] a Response Topic with a wildcard closes the connection", async () => {
    const c = await broker.connected({ level, clientId: id() });
    c.send(publish(level, { topic: "a", properties: props(P.responseTopic("reply/#")), payload: "x" }));
    await c.expectDisconnect(0x82);
  });

  it("v5 [MQTT-3.3.2-19] a Content Type that is not well-formed UTF-8 closes the connection", async () => {
    const c = await broker.connected({ level, clientId: id() });
    const bad = Buffer.from([0x03, 0x00, 0x02, 0xc0, 0xaf]); // Content Type, overlong "/"
    c.send(publish(level, { topic: "a", properties: Buffer.concat([Buffer.from([bad.length]), bad]), payload: "x" }));
    await c.expectDisconnect(0x81);
  });

  it("v5 [MQTT-3.3.2-8] v5 [MQTT-3.3.2-11] v5 [MQTT-3.1.2-26] v5 [MQTT-3.3.2-3] Topic Aliases to a subscriber allowing 2: none above 2, never 0, each resolving to the published topicName", async () => {
    const topic = `pp/${id()}`;
    const sub = await broker.connected({ level, clientId: id(), properties: props(P.topicAliasMaximum(2)) });
    await subscribeOk(sub, level, [[`${topic}/#`, 0]]);
    const pub = await broker.connected({ level, clientId: id() });
    const sequence = ["a", "b", "a", "c", "a", "b", "d", "d"];
    for (const t of sequence) pub.send(publish(level, { topic: `${topic}/${t}`, payload: t }));
    const got = await sub.collect();
    const aliases = new Map<number, string>();
    const resolved = got.map((p) => {
      const name = p.subarray(4, 4 + p.readUInt16BE(2)).toString();
      const alias = readProperties(p, propsOffset(p)).find(([pid]) => pid === 0x23)?.[1].readUInt16BE(0);
      if (alias === undefined) return name;
      expect(alias).toBeGreaterThanOrEqual(1);
      expect(alias).toBeLessThanOrEqual(2);
      if (name.length > 0) aliases.set(alias, name);
      return aliases.get(alias) ?? `(unknown alias ${alias})`;
    });
    expect(resolved).toEqual(sequence.map((t) => `${topic}/${t}`));
    expect(got.map((p) => p.subarray(p.length - 1).toString())).toEqual(sequence);
  });
});
