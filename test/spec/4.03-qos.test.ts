// Spec tests for 4.3 QoS levels and their packets (3.4 PUBACK, 3.5 PUBREC, 3.6 PUBREL, 3.7 PUBCOMP), MQTT 3.1.1
// and 5.0, in both directions: the server as receiver of a client's PUBLISH and as sender to a subscriber.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, P, packet, props, publish, T, u16 } from "../helpers/packets.ts";
import { expectPublish, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker({ hooks: { authorizePublish: ({ topicName }) => !topicName.startsWith("deny/") } });
});
afterAll(() => broker.stop());
const id = uniqueId("qos");
const v5PubackCodes = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];

/** One rule, one body, cited by the ids each version gives it. */
const cite = {
  4: {
    qos2Receiver: "v3.1.1 [MQTT-4.3.3-2]",
    qos1Sender: "v3.1.1 [MQTT-4.3.2-1] v3.1.1 [MQTT-2.3.1-1] v3.1.1 [MQTT-2.3.1-4]",
    qos2Sender: "v3.1.1 [MQTT-4.3.3-1] v3.1.1 [MQTT-2.3.1-6]",
    minimumQoS: "v3.1.1 [MQTT-3.8.4-6]",
  },
  5: {
    qos2Receiver: "v5 [MQTT-4.3.3-8] v5 [MQTT-4.3.3-10] v5 [MQTT-4.3.3-11] v5 [MQTT-3.5.2-1] v5 [MQTT-3.7.2-1]",
    qos1Sender: "v5 [MQTT-4.3.2-1] v5 [MQTT-4.3.2-2] v5 [MQTT-2.2.1-4]",
    qos2Sender: "v5 [MQTT-4.3.3-1] v5 [MQTT-4.3.3-2] v5 [MQTT-4.3.3-4] v5 [MQTT-3.6.2-1]",
    minimumQoS: "v5 [MQTT-3.8.4-8]",
  },
} as const;

for (const level of [4, 5] as const) {
  describe(level === 5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {
    it("[MQTT-3.3.4-1] a QoS 1 PUBLISH gets a PUBACK, a QoS 2 PUBLISH a PUBREC, with its packetId", async () => {
      const topic = `q/${id()}`;
      await subscriber(broker, { level, clientId: id() }, topic, 2);
      const c = await broker.connected({ level, clientId: id() });
      c.send(publish(level, { topic, qos: 1, packetId: 0x1234, payload: "1" }));
      await c.expect(ack(T.PUBACK, level, 0x1234));
      c.send(publish(level, { topic, qos: 2, packetId: 0xfffe, payload: "2" }));
      await c.expect(ack(T.PUBREC, level, 0xfffe));
    });

    it("[MQTT-3.6.1-1] a PUBREL whose fixed header flags are not 0010 closes the connection", async () => {
      const c = await broker.connected({ level, clientId: id() });
      c.send(publish(level, { topic: "q/x", qos: 2, packetId: 5, payload: "x" }));
      await c.expectType(T.PUBREC);
      c.send(packet(0x60, u16(5))); // PUBREL with flags 0000
      await c.expectServerClose(level, 0x81);
    });

    it("[MQTT-3.3.1-3] the DUP flag sent is not the one received: a DUP 1 PUBLISH is forwarded with DUP 0", async () => {
      const topic = `q/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 1);
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, qos: 1, dup: true, packetId: 12, payload: "d" }));
      await pub.expect(ack(T.PUBACK, level, 12));
      await expectPublish(sub, level, { topic, qos: 1, payload: "d" });
    });

    it("v5 [MQTT-4.3.3-11] v3.1.1 [MQTT-4.3.3-2] a PUBREL for a packetId with no QoS 2 message in flight still gets its PUBCOMP (v5: 0x92)", async () => {
      const c = await broker.connected({ level, clientId: id() });
      c.send(ack(T.PUBREL, level, 0x4242));
      await c.expect(ack(T.PUBCOMP, level, 0x4242, level === 5 ? 0x92 : 0));
    });

    it("[MQTT-4.3.1-1] [MQTT-3.3.1-2] v5 [MQTT-2.2.1-2] v3.1.1 [MQTT-2.3.1-5] a QoS 0 message is sent at QoS 0 with DUP 0 and no packetId", async () => {
      const topic = `q/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 2);
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, payload: "zero" }));
      await sub.expect(publish(level, { topic, payload: "zero" }));
    });

    it(`${cite[level].qos2Receiver} the server as QoS 2 receiver: PUBREC, a resent PUBLISH is not delivered twice, PUBREL gets PUBCOMP`, async () => {
      const topic = `q/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 0);
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, qos: 2, packetId: 9, payload: "once" }));
      await pub.expect(ack(T.PUBREC, level, 9));
      pub.send(publish(level, { topic, qos: 2, dup: true, packetId: 9, payload: "once" }));
      await pub.expect(ack(T.PUBREC, level, 9));
      pub.send(ack(T.PUBREL, level, 9));
      await pub.expect(ack(T.PUBCOMP, level, 9));
      await sub.expect(publish(level, { topic, payload: "once" }));
      await sub.expectSilence();
    });

    it(`${cite[level].qos1Sender} the server as QoS 1 sender: QoS 1, DUP 0, a non-zero unused packetId per message`, async () => {
      const topic = `q/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 1);
      const pub = await broker.connected({ level, clientId: id() });
      for (const n of [1, 2, 3]) pub.send(publish(level, { topic, qos: 1, packetId: n, payload: `${n}` }));
      const ids = [];
      for (const n of [1, 2, 3]) ids.push(await expectPublish(sub, level, { topic, qos: 1, payload: `${n}` }));
      expect(new Set(ids).size).toBe(3);
    });

    it(`${cite[level].qos2Sender} the server as QoS 2 sender: PUBLISH, PUBREC in, PUBREL with the same packetId, PUBCOMP in`, async () => {
      const topic = `q/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 2);
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, qos: 2, packetId: 1, payload: "two" }));
      const packetId = await expectPublish(sub, level, { topic, qos: 2, payload: "two" });
      sub.send(ack(T.PUBREC, level, packetId));
      await sub.expect(ack(T.PUBREL, level, packetId));
      sub.send(ack(T.PUBCOMP, level, packetId));
      await sub.expectSilence();
    });

    it(`${cite[level].minimumQoS} the delivered QoS is the minimum of the published QoS and the granted QoS`, async () => {
      const topic = `q/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 1);
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, qos: 2, packetId: 1, payload: "down" }), publish(level, { topic, payload: "up" }));
      await expectPublish(sub, level, { topic, qos: 1, payload: "down" });
      await expectPublish(sub, level, { topic, payload: "up" });
    });
  });
}

describe("MQTT 3.1.1", () => {
  const level = 4;
  it("v3.1.1 [MQTT-4.3.2-2] v3.1.1 [MQTT-2.3.1-6] the server as QoS 1 receiver: PUBACK with the PUBLISH's packetId, then delivery", async () => {
    const topic = `q/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic, 1);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 77, payload: "a" }));
    await pub.expect(ack(T.PUBACK, level, 77));
    await expectPublish(sub, level, { topic, qos: 1, payload: "a" });
  });

});

describe("MQTT 5.0", () => {
  const level = 5;
  it("v5 [MQTT-4.3.2-4] v5 [MQTT-2.2.1-5] v5 [MQTT-3.4.2-1] the server as QoS 1 receiver: PUBACK with the PUBLISH's packetId and a PUBACK reason code", async () => {
    const topic = `q/${id()}`;
    await subscriber(broker, { level, clientId: id() }, topic, 1);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 77, payload: "a" }));
    const got = await pub.expectType(T.PUBACK);
    expect(got.readUInt16BE(2)).toBe(77);
    expect(v5PubackCodes).toContain(got.length > 4 ? got[4] : 0);
  });

  it("v5 [MQTT-4.3.2-5] after its PUBACK, a PUBLISH with the same packetId is a new message, even with DUP 1", async () => {
    const topic = `q/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic, 0);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 3, payload: "a" }));
    await pub.expect(ack(T.PUBACK, level, 3));
    pub.send(publish(level, { topic, qos: 1, dup: true, packetId: 3, payload: "b" }));
    await pub.expect(ack(T.PUBACK, level, 3));
    await sub.expect(publish(level, { topic, payload: "a" }), publish(level, { topic, payload: "b" }));
  });

  it("v5 [MQTT-4.3.3-12] after its PUBCOMP, a PUBLISH with the same packetId is a new message", async () => {
    const topic = `q/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic, 0);
    const pub = await broker.connected({ level, clientId: id() });
    for (const payload of ["first", "second"]) {
      pub.send(publish(level, { topic, qos: 2, packetId: 4, payload }));
      await pub.expect(ack(T.PUBREC, level, 4));
      pub.send(ack(T.PUBREL, level, 4));
      await pub.expect(ack(T.PUBCOMP, level, 4));
      await sub.expect(publish(level, { topic, payload }));
    }
  });

  it("v5 [MQTT-4.3.3-9] after a PUBREC of 0x80 or more, a PUBLISH with the same packetId is a new message", async () => {
    const topic = `q/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic, 0);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic: `deny/${id()}`, qos: 2, packetId: 6, payload: "no" }));
    await pub.expect(ack(T.PUBREC, level, 6, 0x87));
    pub.send(publish(level, { topic, qos: 2, packetId: 6, payload: "new" }));
    await pub.expect(ack(T.PUBREC, level, 6));
    await sub.expect(publish(level, { topic, payload: "new" }));
  });

  it("v5 [MQTT-4.3.3-13] the QoS 2 exchange completes even after the message's expiry passed", async () => {
    const topic = `q/${id()}`;
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 2, packetId: 8, properties: props(P.messageExpiryInterval(1)), payload: "e" }));
    await pub.expectType(T.PUBREC);
    await new Promise((r) => setTimeout(r, 1500));
    pub.send(ack(T.PUBREL, level, 8));
    await pub.expect(ack(T.PUBCOMP, level, 8));
  });

});
