// Spec tests for the v5 CONNECT properties the server must honour (3.1.2.11): Maximum Packet Size (nothing larger
// is sent, whatever the packet), Request Response / Problem Information, and a session kept while connected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProperties, startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, connect, hex, P, packet, props, publish, subscribe, suback, T, u16, unsubscribe } from "./support/packets.ts";
import { expectPublish, subscribeOk, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker({
    hooks: {
      authorizePublish: ({ topicName }) => !topicName.startsWith("deny/"),
      authorizeSubscribe: ({ topicFilter }) => !topicFilter.startsWith("deny/"),
    },
  });
});
afterAll(() => broker.stop());
const id = uniqueId("cpr");
const level = 5;
let short = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.1.2-24] v5 [MQTT-3.1.2-25] a PUBLISH larger than the client's Maximum Packet Size is not sent; later ones are", async () => {
    const topic = `mp/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id(), properties: props(P.maximumPacketSize(64)) }, topic, 1);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 1, payload: Buffer.alloc(100, 0x61) }));
    pub.send(publish(level, { topic, qos: 1, packetId: 2, payload: "fits" }));
    await expectPublish(sub, level, { topic, qos: 1, payload: "fits" });
    await sub.expectSilence();
  });

  it("v5 [MQTT-3.4.2-2] v5 [MQTT-3.4.2-3] v5 [MQTT-3.5.2-2] v5 [MQTT-3.5.2-3] v5 [MQTT-3.9.2-1] v5 [MQTT-3.9.2-2] v5 [MQTT-3.11.2-1] v5 [MQTT-3.11.2-2] refusals to a client with Maximum Packet Size 8 fit in 8 bytes", async () => {
    const c = await broker.connected({ level, clientId: id(), properties: props(P.maximumPacketSize(8)) });
    c.send(publish(level, { topic: `deny/${id()}`, qos: 1, packetId: 1, payload: "x" }));
    c.send(publish(level, { topic: `deny/${id()}`, qos: 2, packetId: 2, payload: "x" }));
    c.send(subscribe(level, 3, [["deny/x", 0]]), unsubscribe(level, 4, ["never/x"]));
    const got = await c.collect(500);
    expect(got.map((p) => hex([p[0]!]))).toEqual([hex([T.PUBACK]), hex([T.PUBREC]), hex([T.SUBACK]), hex([T.UNSUBACK])]);
    for (const p of got) expect(p.length, hex(p)).toBeLessThanOrEqual(8);
  });

  it("v5 [MQTT-3.6.2-2] v5 [MQTT-3.6.2-3] v5 [MQTT-3.7.2-2] v5 [MQTT-3.7.2-3] PUBREL and PUBCOMP to a client with Maximum Packet Size 16 fit in 16 bytes", async () => {
    const topic = `m${++short}`; // short enough for a 16-byte PUBLISH
    const sub = await subscriber(broker, { level, clientId: id(), properties: props(P.maximumPacketSize(16)) }, topic, 2);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 2, packetId: 1, payload: "x" }));
    const packetId = await expectPublish(sub, level, { topic, qos: 2, payload: "x" });
    sub.send(ack(T.PUBREC, level, packetId));
    const pubrel = await sub.expectType(T.PUBREL);
    expect(pubrel.length).toBeLessThanOrEqual(16);
    sub.send(ack(T.PUBCOMP, level, packetId));
    sub.send(publish(level, { topic: `n${short}`, qos: 2, packetId: 7, payload: "y" }));
    const pubrec = await sub.expectType(T.PUBREC);
    expect(pubrec.length).toBeLessThanOrEqual(16);
    sub.send(ack(T.PUBREL, level, 7));
    const pubcomp = await sub.expectType(T.PUBCOMP);
    expect(pubcomp.length).toBeLessThanOrEqual(16);
  });

  it("v5 [MQTT-3.14.2-3] v5 [MQTT-3.14.2-4] the server's DISCONNECT to a client with Maximum Packet Size 8 fits in 8 bytes", async () => {
    const c = await broker.connected({ level, clientId: id(), properties: props(P.maximumPacketSize(8)) });
    c.send(packet(T.PUBLISH | 0x06, u16(1), u16(1))); // QoS 3
    const got = await c.expectType(T.DISCONNECT);
    expect(got.length).toBeLessThanOrEqual(8);
    await c.expectClose();
  });

  it("v5 [MQTT-3.2.2-19] a client asking for Response Information with Maximum Packet Size 12 gets a CONNACK of at most 12 bytes", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.requestResponseInformation(1), P.maximumPacketSize(12)) }));
    const got = await c.expectType(T.CONNACK);
    expect(hex(got.subarray(2, 4))).toBe("00 00");
    expect(got.length).toBeLessThanOrEqual(12);
  });

  it("v5 [MQTT-3.1.2-28] Request Response Information 0: no Response Information in CONNACK", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.requestResponseInformation(0)) }));
    const ack5 = await c.expectType(T.CONNACK);
    expect(readProperties(ack5, 4).map(([pid]) => pid)).not.toContain(0x1a);
  });

  it("v5 [MQTT-3.1.2-29] Request Problem Information 0: no Reason String or User Property on PUBACK, PUBREC, SUBACK, UNSUBACK", async () => {
    const c = await broker.connected({ level, clientId: id(), properties: props(P.requestProblemInformation(0)) });
    c.send(publish(level, { topic: `deny/${id()}`, qos: 1, packetId: 1, payload: "x" }));
    c.send(publish(level, { topic: `deny/${id()}`, qos: 2, packetId: 2, payload: "x" }));
    c.send(subscribe(level, 3, [["deny/x", 0]]), unsubscribe(level, 4, ["never/x"]));
    const got = await c.collect(500);
    expect(got.length).toBe(4);
    for (const p of got) {
      const at = p[0] === T.SUBACK || p[0] === T.UNSUBACK ? 4 : 5;
      const ids = p.length > at ? readProperties(p, at).map(([pid]) => pid) : [];
      expect(ids, hex(p)).not.toContain(0x1f);
      expect(ids, hex(p)).not.toContain(0x26);
    }
    expect(hex(got[2]!)).toBe(hex(suback(level, 3, [0x87])));
  });

  it("v5 [MQTT-4.1.0-1] the session is kept while the connection is open, past its Session Expiry Interval", async () => {
    const topic = `mp/${id()}`;
    const sub = await broker.connected({ level, clientId: id(), properties: props(P.sessionExpiryInterval(1)) });
    await subscribeOk(sub, level, [[topic, 0]]);
    await sleep(1600);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, payload: "alive" }));
    await expectPublish(sub, level, { topic, payload: "alive" });
  });
});
