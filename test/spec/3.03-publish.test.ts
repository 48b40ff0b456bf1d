// Spec tests for 3.3 PUBLISH, MQTT 3.1.1 and 5.0: flags, topicName, the RETAIN rules, and delivery
// to overlapping subscriptions; v5 properties are in 3.03-publish-properties.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, hex, noProps, packet, publish, str, T, u16 } from "../helpers/packets.ts";
import { expectAmong, expectPuback, expectPublish, subscribeOk, subscriber, expectEachClosed } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker({
    hooks: { authorizePublish: ({ topicName }) => !topicName.startsWith("deny/") },
  });
});
afterAll(() => broker.stop());
const id = uniqueId("pub");

/** One rule, one body, cited by the ids each version gives it. */
const cite = {
  4: { emptyRetained: "v3.1.1 [MQTT-3.3.1-10] v3.1.1 [MQTT-3.3.1-11]", retainZero: "v3.1.1 [MQTT-3.3.1-12]" },
  5: { emptyRetained: "v5 [MQTT-3.3.1-6] v5 [MQTT-3.3.1-7]", retainZero: "v5 [MQTT-3.3.1-8]" },
} as const;

for (const level of [4, 5] as const) {
  const v5 = level === 5;
  describe(v5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {
    it("[MQTT-3.3.1-4] a PUBLISH with both QoS bits set closes the connection", async () => {
      await expectEachClosed(broker, level, [packet(T.PUBLISH | 0x06, str("a/b"), u16(1), v5 ? noProps : [], [1])], 0x81); // QoS bits 11
    });

    it("[MQTT-3.3.2-1] a topicName that is not well-formed UTF-8 closes the connection", async () => {
      await expectEachClosed(broker, level, [publish(level, { topic: Buffer.from([0x61, 0xed, 0xa0, 0x80]), payload: "x" })], 0x81); // "a" + surrogate U+D800
    });

    it("[MQTT-3.3.2-2] a topicName with a wildcard closes the connection", async () => {
      const wildcards = ["a/+", "a/#"].map((topic) => publish(level, { topic, payload: "x" }));
      await expectEachClosed(broker, level, wildcards, 0x90);
    });

    it("[MQTT-3.3.1-5] a retained message is sent to a new subscription at the minimum of its QoS and the granted QoS", async () => {
      const topic = `r/${id()}`;
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, qos: 2, packetId: 1, retain: true, payload: "two" }));
      await pub.expectType(T.PUBREC);
      pub.send(ack(T.PUBREL, level, 1));
      await pub.expect(ack(T.PUBCOMP, level, 1));
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 1);
      await expectPublish(sub, level, { topic, qos: 1, retain: true, payload: "two" });
    });

    it("v3.1.1 [MQTT-3.3.1-6] v5 [MQTT-3.3.1-9] a wildcard subscription gets the retained message of every matching topicName", async () => {
      const base = `r/${id()}`;
      const pub = await broker.connected({ level, clientId: id() });
      for (const t of ["a", "b/c", "d"]) pub.send(publish(level, { topic: `${base}/${t}`, retain: true, payload: t }));
      pub.send(publish(level, { topic: `${base}x/e`, retain: true, payload: "not matching" }));
      pub.send(packet(T.PINGREQ));
      await pub.expect(packet(T.PINGRESP));
      const sub = await subscriber(broker, { level, clientId: id() }, `${base}/#`);
      const got = (await sub.collect()).map(hex).sort();
      expect(got).toEqual(["a", "b/c", "d"].map((t) => hex(publish(level, { topic: `${base}/${t}`, retain: true, payload: t }))).sort());
    });

    it("[MQTT-3.3.2-3] the topicName delivered is the published one, matched by the subscription's filter", async () => {
      const base = `p/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, `${base}/+/x`);
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic: `${base}/a/x`, payload: "m" }));
      await expectPublish(sub, level, { topic: `${base}/a/x`, payload: "m" });
    });

    it(`${cite[level].emptyRetained} a zero-byte retained message removes the retained one and is not stored`, async () => {
      const topic = `r/${id()}`;
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, retain: true, payload: "x" }), publish(level, { topic, retain: true }));
      pub.send(packet(T.PINGREQ));
      await pub.expect(packet(T.PINGRESP));
      const sub = await subscriber(broker, { level, clientId: id() }, topic);
      await sub.expectSilence();
    });

    it(`${cite[level].retainZero} RETAIN 0 neither stores the message nor replaces the retained one`, async () => {
      const topic = `r/${id()}`;
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, retain: true, payload: "kept" }), publish(level, { topic, payload: "passing" }));
      pub.send(packet(T.PINGREQ));
      await pub.expect(packet(T.PINGRESP));
      const sub = await subscriber(broker, { level, clientId: id() }, topic);
      await expectPublish(sub, level, { topic, retain: true, payload: "kept" });
      await sub.expectSilence();
    });
  });
}

describe("MQTT 3.1.1", () => {
  const level = 4;
  it("v3.1.1 [MQTT-3.3.1-5] v3.1.1 [MQTT-3.3.1-6] v3.1.1 [MQTT-3.3.1-8] a retained message is stored and sent, RETAIN 1, to a new subscription", async () => {
    const topic = `r/${id()}`;
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 2, retain: true, payload: "keep" }));
    await expectPuback(pub, level, 2);
    const sub = await subscriber(broker, { level, clientId: id() }, topic, 1);
    await expectPublish(sub, level, { topic, qos: 1, retain: true, payload: "keep" });
  });

  it("v3.1.1 [MQTT-3.1.2-7] a retained message outlives the session of the client that published it", async () => {
    const topic = `r/${id()}`;
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 1, retain: true, payload: "stays" }));
    await expectPuback(pub, level, 1);
    pub.send(packet(T.DISCONNECT));
    await pub.expectClose();
    const sub = await subscriber(broker, { level, clientId: id() }, topic);
    await expectPublish(sub, level, { topic, retain: true, payload: "stays" });
  });

  it("v3.1.1 [MQTT-3.3.1-9] a message matching an established subscription is sent with RETAIN 0", async () => {
    const topic = `r/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, retain: true, payload: "now" }));
    await expectPublish(sub, level, { topic, payload: "now" });
  });

  it("v3.1.1 [MQTT-3.3.1-7] a retained QoS 0 message replaces the one retained before", async () => {
    const topic = `r/${id()}`;
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 3, retain: true, payload: "old" }));
    await expectPuback(pub, level, 3);
    pub.send(publish(level, { topic, retain: true, payload: "new" }));
    const sub = await subscriber(broker, { level, clientId: id() }, topic, 1);
    await expectPublish(sub, level, { topic, retain: true, payload: "new" });
    await sub.expectSilence();
  });

  it("v3.1.1 [MQTT-3.3.5-1] overlapping subscriptions: the message is delivered at the maximum of their QoS", async () => {
    const base = `o/${id()}`;
    const sub = await broker.connected({ level, clientId: id() });
    await subscribeOk(sub, level, [[`${base}/#`, 0], [`${base}/+`, 1]]);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic: `${base}/t`, qos: 1, packetId: 9, payload: "o" }));
    await pub.expect(ack(T.PUBACK, level, 9));
    await expectPublish(sub, level, { topic: `${base}/t`, qos: 1, payload: "o" });
    await sub.expectSilence();
  });

  it("v3.1.1 [MQTT-3.3.5-2] an unauthorized QoS 1 PUBLISH gets a positive PUBACK (or the close) and is not delivered", async () => {
    const topic = `deny/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 4, payload: "no" }));
    const reply = await pub.nextPacket();
    if (reply) expect(hex(reply)).toBe(hex(ack(T.PUBACK, level, 4)));
    else await pub.expectClose(0);
    await sub.expectSilence();
  });
});

describe("MQTT 5.0", () => {
  const level = 5;
  it("v5 [MQTT-3.3.1-5] v5 [MQTT-3.3.1-9] a retained message is stored and sent, RETAIN 1, to a new subscription (Retain Handling 0)", async () => {
    const topic = `r/${id()}`;
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 2, retain: true, payload: "keep" }));
    await expectPuback(pub, level, 2);
    const sub = await subscriber(broker, { level, clientId: id() }, topic, 1);
    await expectPublish(sub, level, { topic, qos: 1, retain: true, payload: "keep" });
  });

  it("v5 [MQTT-3.3.1-10] Retain Handling 1 sends retained messages only when the subscription is new", async () => {
    const topic = `r/${id()}`;
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, retain: true, payload: "once" }));
    const sub = await subscriber(broker, { level, clientId: id() }, topic, 0x10);
    await expectPublish(sub, level, { topic, retain: true, payload: "once" });
    await subscribeOk(sub, level, [[topic, 0x10]]);
    await sub.expectSilence();
  });

  it("v5 [MQTT-3.3.1-11] Retain Handling 2 sends no retained messages", async () => {
    const topic = `r/${id()}`;
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, retain: true, payload: "never" }));
    pub.send(packet(T.PINGREQ));
    await pub.expect(packet(T.PINGRESP));
    await (await subscriber(broker, { level, clientId: id() }, topic, 0x20)).expectSilence();
  });

  it("v5 [MQTT-3.3.1-12] Retain As Published 0: an established subscription gets RETAIN 0", async () => {
    const topic = `r/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, retain: true, payload: "now" }));
    await expectPublish(sub, level, { topic, payload: "now" });
  });

  it("v5 [MQTT-3.3.1-13] Retain As Published 1: an established subscription gets the RETAIN flag as published", async () => {
    const topic = `r/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic, 0x08);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, retain: true, payload: "as-is" }), publish(level, { topic, payload: "plain" }));
    await expectPublish(sub, level, { topic, retain: true, payload: "as-is" });
    await expectPublish(sub, level, { topic, payload: "plain" });
  });

  it("v5 [MQTT-3.3.4-2] overlapping subscriptions: the message is delivered at the maximum of their QoS", async () => {
    const base = `o/${id()}`;
    const sub = await broker.connected({ level, clientId: id() });
    await subscribeOk(sub, level, [[`${base}/#`, 0], [`${base}/+`, 1]]);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic: `${base}/t`, qos: 1, packetId: 9, payload: "o" }));
    await expectPuback(pub, level, 9);
    await expectAmong(sub, level, { topic: `${base}/t`, qos: 1, payload: "o" }); // further copies are allowed
  });
});
