// Spec tests for 3.8 SUBSCRIBE and 3.9 SUBACK, MQTT 3.1.1 and 5.0: malformed SUBSCRIBEs close, every
// SUBSCRIBE gets one SUBACK with a code per filter in order, identical filters replace, v5 No Local.
import { afterAll, beforeAll, describe, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { noProps, packet, publish, str, subscribe, suback, T, u16 } from "../helpers/packets.ts";
import { expectPublish, subscribeOk, subscriber, expectEachClosed } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker({ hooks: { authorizeSubscribe: ({ topicFilter }) => !topicFilter.startsWith("deny/") } });
});
afterAll(() => broker.stop());
const id = uniqueId("sub");

/** One rule, one body, cited by the ids each version gives it; `refused` is the SUBACK code for a refused filter. */
const cite = {
  4: {
    noFilter: "v3.1.1 [MQTT-3.8.3-3]",
    resendRetained: "v3.1.1 [MQTT-3.8.4-3]",
    oneRefused: "v3.1.1 [MQTT-3.8.4-4] v3.1.1 [MQTT-3.8.4-5] v3.1.1 [MQTT-3.9.3-2]",
    refused: 0x80,
  },
  5: {
    noFilter: "v5 [MQTT-3.8.3-2]",
    resendRetained: "v5 [MQTT-3.8.4-4]",
    oneRefused: "v5 [MQTT-3.8.4-5] v5 [MQTT-3.8.4-6] v5 [MQTT-3.8.4-7] v5 [MQTT-3.9.3-2]",
    refused: 0x87,
  },
} as const;

for (const level of [4, 5] as const) {
  const v5 = level === 5;
  const props = v5 ? noProps : Buffer.alloc(0);
  describe(v5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {
    it("[MQTT-3.8.1-1] a SUBSCRIBE whose fixed header flags are not 0010 closes the connection", async () => {
      await expectEachClosed(broker, level, [packet(0x80, u16(1), props, str("a/b"), [0])], 0x81);
    });

    it("[MQTT-3.8.3-1] a topicFilter that is not well-formed UTF-8 closes the connection", async () => {
      await expectEachClosed(broker, level, [packet(T.SUBSCRIBE, u16(1), props, str(Buffer.from([0x61, 0x2f, 0xfe])), [0])], 0x81);
    });

    it("[MQTT-3.8.4-1] [MQTT-3.8.4-2] [MQTT-3.9.3-1] v5 [MQTT-2.2.1-6] v3.1.1 [MQTT-2.3.1-7] a SUBSCRIBE gets a SUBACK with its packetId and one code per filter, in order", async () => {
      const c = await broker.connected({ level, clientId: id() });
      c.send(subscribe(level, 0xbeef, [["s/a", 2], ["s/b/#", 0], ["s/+/c", 1]]));
      await c.expect(suback(level, 0xbeef, [2, 0, 1]));
    });

    it("[MQTT-3.8.4-3] v3.1.1 [MQTT-3.8.4-4] v5 [MQTT-3.8.4-5] one SUBSCRIBE with the same filter twice: handled in sequence, the second replaces the first", async () => {
      const topic = `s/${id()}`;
      const sub = await broker.connected({ level, clientId: id() });
      sub.send(subscribe(level, 5, [[topic, 0], [topic, 1]]));
      await sub.expect(suback(level, 5, [0, 1]));
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, qos: 1, packetId: 1, payload: "twice" }));
      await expectPublish(sub, level, { topic, qos: 1, payload: "twice" });
      await sub.expectSilence();
    });

    it("[MQTT-3.8.4-3] a SUBSCRIBE with an existing topicFilter replaces that subscription (one copy, at the new QoS)", async () => {
      const topic = `s/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 0);
      await subscribeOk(sub, level, [[topic, 1]]);
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, qos: 1, packetId: 1, payload: "r" }));
      await expectPublish(sub, level, { topic, qos: 1, payload: "r" });
      await sub.expectSilence();
    });

    it(`${cite[level].noFilter} a SUBSCRIBE without any topicFilter closes the connection`, async () => {
      await expectEachClosed(broker, level, [packet(T.SUBSCRIBE, u16(1), props)], 0x82);
    });

    it(`${cite[level].resendRetained} replacing a subscription (Retain Handling 0) re-sends the retained messages matching it`, async () => {
      const topic = `s/${id()}`;
      const pub = await broker.connected({ level, clientId: id() });
      pub.send(publish(level, { topic, retain: true, payload: "kept" }));
      const sub = await subscriber(broker, { level, clientId: id() }, topic, 0);
      await expectPublish(sub, level, { topic, retain: true, payload: "kept" });
      await subscribeOk(sub, level, [[topic, 1]]);
      await expectPublish(sub, level, { topic, retain: true, payload: "kept" });
    });

    it(`${cite[level].oneRefused} several filters, one refused: one SUBACK, the granted QoS or 0x${cite[level].refused.toString(16)} for each`, async () => {
      const c = await broker.connected({ level, clientId: id() });
      c.send(subscribe(level, 2, [["s/ok", 1], ["deny/x", 1], ["s/also", 2]]));
      await c.expect(suback(level, 2, [1, cite[level].refused, 2]));
    });
  });
}

describe("MQTT 3.1.1", () => {
  const level = 4;
  it("v3.1.1 [MQTT-3.8.3-4] requested QoS 3 or a reserved bit set closes the connection", async () => {
    for (const options of [0x03, 0x04, 0x80]) {
      const c = await broker.connected({ level, clientId: id() });
      c.send(packet(T.SUBSCRIBE, u16(1), str("a/b"), [options]));
      await c.expectClose();
    }
  });

});

describe("MQTT 5.0", () => {
  const level = 5;
  it("v5 [MQTT-3.8.3-5] a reserved bit (6 or 7) of the subscription options set closes the connection", async () => {
    for (const options of [0x40, 0x80]) {
      const c = await broker.connected({ level, clientId: id() });
      c.send(packet(T.SUBSCRIBE, u16(1), noProps, str("a/b"), [options]));
      await c.expectDisconnect(0x81);
    }
  });

  it("v5 [MQTT-3.8.3-3] No Local: the subscriber's own messages are not forwarded to it, others' are", async () => {
    const topic = `s/${id()}`;
    const c = await subscriber(broker, { level, clientId: id() }, topic, 0x04);
    c.send(publish(level, { topic, payload: "mine" }));
    await c.expectSilence();
    const other = await broker.connected({ level, clientId: id() });
    other.send(publish(level, { topic, payload: "theirs" }));
    await expectPublish(c, level, { topic, payload: "theirs" });
  });

  it("v5 [MQTT-3.8.3-4] No Local on a shared subscription is a protocol error", async () => {
    const c = await broker.connected({ level, clientId: id() });
    c.send(subscribe(level, 1, [["$share/g/s/x", 0x04]]));
    await c.expectDisconnect(0x82);
  });

});
