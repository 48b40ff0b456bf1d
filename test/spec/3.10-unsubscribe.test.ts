// Spec tests for 3.10 UNSUBSCRIBE and 3.11 UNSUBACK, MQTT 3.1.1 and 5.0: malformed UNSUBSCRIBEs close, a
// filter equal character by character removes its subscription, one UNSUBACK per UNSUBSCRIBE, always.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, connect, hex, noProps, P, packet, props, publish, str, T, u16, unsuback, unsubscribe } from "../helpers/packets.ts";
import { expectPublish, subscribeOk, subscriber, expectEachClosed } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("uns");

for (const level of [4, 5] as const) {
  const v5 = level === 5;
  const noneOrProps = v5 ? noProps : Buffer.alloc(0);
  describe(v5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {
    it("[MQTT-3.10.1-1] an UNSUBSCRIBE whose fixed header flags are not 0010 closes the connection", async () => {
      await expectEachClosed(broker, level, [packet(0xa0, u16(1), noneOrProps, str("a/b"))], 0x81);
    });

    it("[MQTT-3.10.3-1] a topicFilter that is not well-formed UTF-8 closes the connection", async () => {
      await expectEachClosed(broker, level, [packet(T.UNSUBSCRIBE, u16(1), noneOrProps, str(Buffer.from([0xe0, 0x80])))], 0x81);
    });

    it("[MQTT-3.10.3-2] an UNSUBSCRIBE without any topicFilter closes the connection", async () => {
      await expectEachClosed(broker, level, [packet(T.UNSUBSCRIBE, u16(1), noneOrProps)], 0x82);
    });

    it("[MQTT-3.10.4-1] [MQTT-3.10.4-2] [MQTT-3.10.4-4] v5 [MQTT-2.2.1-6] v3.1.1 [MQTT-2.3.1-7] an equal topicFilter deletes the subscription: UNSUBACK, no more messages", async () => {
      const topic = `u/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic);
      sub.send(unsubscribe(level, 0x0102, [topic]));
      await sub.expect(unsuback(level, 0x0102, [0x00]));
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, payload: "gone" }));
      await sub.expectSilence();
    });

    it("[MQTT-3.10.4-1] filters are compared character by character: unsubscribing u/+ keeps u/x", async () => {
      const base = `u/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, `${base}/x`);
      sub.send(unsubscribe(level, 3, [`${base}/+`]));
      await sub.expect(unsuback(level, 3, [0x11]));
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic: `${base}/x`, payload: "still" }));
      await expectPublish(sub, level, { topic: `${base}/x`, payload: "still" });
    });

    it("[MQTT-3.10.4-3] a QoS 2 delivery started before the UNSUBSCRIBE is completed after it, even across a reconnect", async () => {
      const topic = `u/${id()}`, clientId = id();
      const persistent = { level, clientId, cleanStart: false, properties: v5 ? props(P.sessionExpiryInterval(60)) : undefined };
      const sub = await subscriber(broker, persistent, topic, 2);
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, qos: 2, packetId: 1, payload: "started" }));
      const packetId = await expectPublish(sub, level, { topic, qos: 2, payload: "started" });
      sub.send(unsubscribe(level, 8, [topic]));
      await sub.expect(unsuback(level, 8, [0x00]));
      sub.close(); // the message is still inflight: a resumed session sends it again, same packetId, DUP set [MQTT-4.4.0-1]
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await broker.open();
      again.send(connect(persistent));
      expect(hex((await again.expectType(T.CONNACK)).subarray(2, 4)), "Session Present, code").toBe("01 00");
      await again.expect(publish(level, { topic, qos: 2, dup: true, packetId, payload: "started" }));
      again.send(ack(T.PUBREC, level, packetId));
      await again.expect(ack(T.PUBREL, level, packetId));
    });

    it("[MQTT-3.10.4-5] an UNSUBSCRIBE that deletes nothing still gets an UNSUBACK", async () => {
      const c = await broker.connected({ level, clientId: id() });
      c.send(unsubscribe(level, 4, ["never/subscribed"]));
      await c.expect(unsuback(level, 4, [0x11]));
    });

    it("[MQTT-3.10.4-6] one UNSUBSCRIBE with the same filter twice: the first deletes, the second finds nothing", async () => {
      const topic = `u/${id()}`;
      const c = await subscriber(broker, { level, clientId: id() }, topic);
      c.send(unsubscribe(level, 9, [topic, topic]));
      await c.expect(unsuback(level, 9, [0x00, 0x11]));
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, payload: "gone" }));
      await c.expectSilence(); // at 3.1.1 the UNSUBACK has no codes: the silence is the evidence
    });

    it("[MQTT-3.10.4-6] several filters are handled in sequence with a single UNSUBACK", async () => {
      const base = `u/${id()}`;
      const c = await broker.connected({ level, clientId: id() });
      await subscribeOk(c, level, [[`${base}/a`, 0], [`${base}/c`, 1]]);
      c.send(unsubscribe(level, 5, [`${base}/a`, `${base}/b`, `${base}/c`]));
      await c.expect(unsuback(level, 5, [0x00, 0x11, 0x00]));
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic: `${base}/a`, payload: "a" }), publish(level, { topic: `${base}/c`, payload: "c" }));
      await c.expectSilence(); // every filter was removed, not only the first (3.1.1 has no codes to show it)
    });
  });
}

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.11.3-1] v5 [MQTT-3.11.3-2] the UNSUBACK's reason codes are Unsubscribe codes in the order of the filters", async () => {
    const base = `u/${id()}`;
    const c = await broker.connected({ level: 5, clientId: id() });
    await subscribeOk(c, 5, [[`${base}/y`, 0]]);
    c.send(unsubscribe(5, 6, [`${base}/x`, `${base}/y`, `${base}/z`]));
    await c.expect(unsuback(5, 6, [0x11, 0x00, 0x11]));
  });
});
