// Spec tests for 4.4 message delivery retry, 4.5 receipt and 4.6 ordering, MQTT 3.1.1 and 5.0: unacknowledged
// PUBLISH and PUBREL resent on reconnect with their packetIds (DUP 1), messages delivered to all, in order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, connect, P, props, publish, T, type ConnectFields } from "../helpers/packets.ts";
import { expectPublish, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("rty");

const keep = (level: 4 | 5, clientId: string): ConnectFields => ({
  level,
  clientId,
  cleanStart: false,
  properties: level === 5 ? props(P.sessionExpiryInterval(60)) : undefined,
});

/** Reconnects a kept session and expects Session Present 1. */
async function resume(level: 4 | 5, clientId: string) {
  const c = await broker.open();
  c.send(connect(keep(level, clientId)));
  const connack = await c.expectType(T.CONNACK);
  expect(connack[2], "Session Present").toBe(1);
  return c;
}

/** A kept-session subscriber at `qos` holding one unacknowledged PUBLISH of `payload`, with what a test needs next. */
async function inFlight(level: 4 | 5, qos: 1 | 2, payload: string) {
  const clientId = id();
  const topic = `rt/${clientId}`;
  const sub = await subscriber(broker, keep(level, clientId), topic, qos);
  const pub = await broker.connected({ level, clientId: id() });
  pub.send(publish(level, { topic, qos, packetId: 1, payload }));
  const packetId = await expectPublish(sub, level, { topic, qos, payload });
  return { clientId, topic, sub, pub, packetId };
}

for (const level of [4, 5] as const) {
  describe(level === 5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {
    it("[MQTT-4.4.0-1] [MQTT-3.3.1-1] v5 [MQTT-4.3.2-3] an unacknowledged QoS 1 PUBLISH is resent on reconnect with its packetId and DUP 1", async () => {
      const { clientId, topic, sub, packetId } = await inFlight(level, 1, "again");
      sub.close();
      const back = await resume(level, clientId);
      await back.expect(publish(level, { topic, qos: 1, dup: true, packetId, payload: "again" }));
      back.send(ack(T.PUBACK, level, packetId));
      await back.expectSilence();
    });

    it("[MQTT-4.4.0-1] v5 [MQTT-4.3.3-3] an unacknowledged QoS 2 PUBLISH is resent on reconnect with its packetId and DUP 1", async () => {
      const { clientId, topic, sub, packetId } = await inFlight(level, 2, "two");
      sub.close();
      const back = await resume(level, clientId);
      await back.expect(publish(level, { topic, qos: 2, dup: true, packetId, payload: "two" }));
      back.send(ack(T.PUBREC, level, packetId));
      await back.expect(ack(T.PUBREL, level, packetId));
    });

    it("[MQTT-4.4.0-1] v5 [MQTT-4.3.3-5] v5 [MQTT-4.3.3-6] an unacknowledged PUBREL is resent on reconnect with its packetId, not the PUBLISH", async () => {
      const { clientId, sub, packetId } = await inFlight(level, 2, "two");
      sub.send(ack(T.PUBREC, level, packetId));
      await sub.expect(ack(T.PUBREL, level, packetId));
      sub.close();
      const back = await resume(level, clientId);
      await back.expect(ack(T.PUBREL, level, packetId));
      back.send(ack(T.PUBCOMP, level, packetId));
      await back.expectSilence();
    });

    it("[MQTT-4.6.0-5] [MQTT-4.6.0-6] on reconnect the resent in-flight message comes first, then those queued meanwhile, in order", async () => {
      const { clientId, topic, sub, pub, packetId: first } = await inFlight(level, 1, "m1");
      sub.close();
      await new Promise((r) => setTimeout(r, 100));
      for (const n of [2, 3, 4]) pub.send(publish(level, { topic, qos: 1, packetId: n, payload: `m${n}` }));
      for (let i = 0; i < 3; i++) await pub.expectType(T.PUBACK);
      const back = await resume(level, clientId);
      await back.expect(publish(level, { topic, qos: 1, dup: true, packetId: first, payload: "m1" }));
      for (const n of [2, 3, 4]) back.send(ack(T.PUBACK, level, await expectPublish(back, level, { topic, qos: 1, payload: `m${n}` })));
      back.send(ack(T.PUBACK, level, first));
      await back.expectSilence();
    });

    it("[MQTT-4.5.0-1] a message is added to the session of every matching subscriber, each in its own protocol version", async () => {
      const topic = `rt/${id()}`;
      const properties = props(P.userProperty("from", "v5")); // reaches v5 subscribers only
      const subs = [
        await subscriber(broker, { level, clientId: id() }, topic),
        await subscriber(broker, { level: 4, clientId: id() }, "rt/+"),
        await subscriber(broker, { level: 5, clientId: id() }, "rt/#"),
      ];
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, properties, payload: "all" }));
      await subs[0]!.expect(publish(level, { topic, properties, payload: "all" }));
      await subs[1]!.expect(publish(4, { topic, payload: "all" }));
      await subs[2]!.expect(publish(5, { topic, properties: level === 5 ? properties : undefined, payload: "all" }));
    });

    it("[MQTT-4.6.0-5] [MQTT-4.6.0-6] messages of one topic and QoS from one client are sent in the order received", async () => {
      const topic = `rt/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 1);
      const pub = await broker.connected({ level, clientId: id() });
      const payloads = Array.from({ length: 20 }, (_, i) => `m${i}`);
      for (const [i, payload] of payloads.entries()) pub.send(publish(level, { topic, qos: 1, packetId: i + 1, payload }));
      for (const payload of payloads) {
        const packetId = await expectPublish(sub, level, { topic, qos: 1, payload });
        sub.send(ack(T.PUBACK, level, packetId));
      }
    });
  });
}

describe("MQTT 5.0", () => {
  it("v5 [MQTT-4.3.3-7] a PUBLISH already sent is resent on reconnect even after its Message Expiry Interval passed", async () => {
    const level = 5;
    const clientId = id();
    const topic = `rt/${clientId}`;
    const sub = await subscriber(broker, keep(level, clientId), topic, 1);
    const pub = await broker.connected({ level, clientId: id() });
    const expiry = props(P.messageExpiryInterval(1));
    pub.send(publish(level, { topic, qos: 1, packetId: 1, properties: expiry, payload: "late" }));
    const got = await sub.expectType(T.PUBLISH);
    sub.close();
    await new Promise((r) => setTimeout(r, 1500));
    const back = await resume(level, clientId);
    const again = await back.expectType(T.PUBLISH);
    expect(again[0], "DUP 1, QoS 1").toBe(0x3a);
    expect(again.subarray(2, 4 + topic.length + 2).toString("hex")).toBe(got.subarray(2, 4 + topic.length + 2).toString("hex"));
  });

  for (const [ids, qos, ackType] of [
    ["v5 [MQTT-4.4.0-2] v5 [MQTT-4.3.3-4]", 2, "PUBREC"],
    ["v5 [MQTT-4.4.0-2]", 1, "PUBACK"],
  ] as const) {
    it(`${ids} a QoS ${qos} PUBLISH answered by a ${ackType} of 0x80 gets nothing more and is not resent`, async () => {
      const { clientId, sub, packetId } = await inFlight(5, qos, "refused");
      sub.send(ack(T[ackType], 5, packetId, 0x80));
      await sub.expectSilence();
      sub.close();
      const back = await resume(5, clientId);
      await back.expectSilence();
    });
  }
});
