// Spec tests for 4.2 network connections (MQTT 5.0): MQTT runs over an ordered, lossless byte stream, so packets
// split across TCP writes at any byte, or packed several to a write, are read the same.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, connect, pingreq, pingresp, publish, subscribe, suback, T } from "../helpers/packets.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("net");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("MQTT 5.0", () => {
  it("v5 [MQTT-4.2.0-1] CONNECT, SUBSCRIBE and PUBLISH sent one byte per write are read whole", async () => {
    const topic = `nw/${id()}`;
    const c = await broker.open();
    const stream = Buffer.concat([
      connect({ level: 5, clientId: id() }),
      subscribe(5, 1, [[topic, 1]]),
      publish(5, { topic, qos: 1, packetId: 2, payload: "bytewise" }),
    ]);
    for (const byte of stream) {
      c.send(Buffer.from([byte]));
      await sleep(1);
    }
    await c.expectType(T.CONNACK);
    await c.expect(suback(5, 1, [1]));
    const got = await c.collect(500);
    expect(got.map((p) => p[0]! & 0xf0).sort(), "its PUBACK and the PUBLISH to itself").toEqual([T.PUBLISH, T.PUBACK].sort());
  });

  it("v5 [MQTT-4.2.0-1] a 256 KiB PUBLISH spread over many TCP segments arrives whole", async () => {
    const topic = `nw/${id()}`;
    const sub = await broker.connected({ level: 5, clientId: id() });
    sub.send(subscribe(5, 1, [[topic, 1]]));
    await sub.expect(suback(5, 1, [1]));
    const payload = Buffer.alloc(256 * 1024, 0).map((_, i) => i % 251);
    const pub = await broker.connected({ level: 5, clientId: id() });
    pub.send(publish(5, { topic, qos: 1, packetId: 1, payload }));
    await pub.expect(ack(T.PUBACK, 5, 1));
    const got = await sub.expectType(T.PUBLISH);
    expect(got.subarray(got.length - payload.length).equals(payload), "payload intact").toBe(true);
  });

  it("v5 [MQTT-4.2.0-1] PUBLISHes whose Remaining Length is 127, 128, 16383, 16384 or 2097152 are forwarded byte for byte", async () => {
    const topic = `nw/${id()}`;
    const sub = await broker.connected({ level: 5, clientId: id() });
    sub.send(subscribe(5, 1, [[topic, 0]]));
    await sub.expect(suback(5, 1, [0]));
    const pub = await broker.connected({ level: 5, clientId: id() });
    for (const remaining of [127, 128, 16383, 16384, 2_097_152]) {
      const header = 2 + topic.length + 1; // topicName, Property Length 0
      const packet = publish(5, { topic, payload: Buffer.alloc(remaining - header, remaining % 256) });
      pub.send(packet);
      const got = await sub.nextPacket(5000);
      expect(got?.equals(packet), `remaining length ${remaining}`).toBe(true);
    }
  });

  it("v5 [MQTT-4.2.0-1] 1000 PINGREQs in one write get 1000 PINGRESPs", async () => {
    const c = await broker.connected({ level: 5, clientId: id() });
    c.send(Buffer.concat(Array.from({ length: 1000 }, () => pingreq())));
    const got = await c.collect(1000);
    expect(Buffer.concat(got).equals(Buffer.concat(Array.from({ length: 1000 }, () => pingresp())))).toBe(true);
  });

  it("v5 [MQTT-4.2.0-1] several packets in one write are each answered, in order", async () => {
    const c = await broker.open();
    c.send(Buffer.concat([connect({ level: 5, clientId: id() }), pingreq(), publish(5, { topic: "nw/x", qos: 1, packetId: 3 }), pingreq()]));
    await c.expectType(T.CONNACK);
    const got = (await c.collect(300)).map((p) => p.toString("hex")).join(" ");
    const answers = (code: number) => [pingresp(), ack(T.PUBACK, 5, 3, code), pingresp()].map((p) => p.toString("hex")).join(" ");
    expect([answers(0x00), answers(0x10)], `got ${got}`).toContain(got); // v5 may say 0x10: no matching subscribers
  });
});

