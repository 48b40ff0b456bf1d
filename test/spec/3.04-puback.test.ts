// Spec tests for the v5 PUBACK/PUBREC reason code 0x10 No matching subscribers (3.4.2.1, 3.5.2.1: a MAY quarkmq
// takes by default, `noMatchingSubscribersReasonCode`): a QoS 1/2 PUBLISH nobody subscribed to says so; 3.1.1 has no code.
import { afterAll, beforeAll, describe, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, publish, T } from "../helpers/packets.ts";
import { expectPublish, subscribeOk, subscriber } from "./support/session.ts";

let broker: TestBroker;
let plain: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
  plain = await startBroker({ noMatchingSubscribersReasonCode: false });
});
afterAll(async () => {
  await broker.stop();
  await plain.stop();
});
const id = uniqueId("nms");
const NO_MATCHING_SUBSCRIBERS = 0x10;

describe("MQTT 5.0", () => {
  it("v5 3.4.2.1 a QoS 1 PUBLISH that matched no subscription: PUBACK 0x10 No matching subscribers", async () => {
    const c = await broker.connected({ level: 5, clientId: id() });
    c.send(publish(5, { topic: `nobody/${id()}`, qos: 1, packetId: 3, payload: "x" }));
    await c.expect(ack(T.PUBACK, 5, 3, NO_MATCHING_SUBSCRIBERS));
  });

  it("v5 3.5.2.1 a QoS 2 PUBLISH that matched no subscription: PUBREC 0x10, then PUBREL gets PUBCOMP 0x00", async () => {
    const c = await broker.connected({ level: 5, clientId: id() });
    c.send(publish(5, { topic: `nobody/${id()}`, qos: 2, packetId: 4, payload: "x" }));
    await c.expect(ack(T.PUBREC, 5, 4, NO_MATCHING_SUBSCRIBERS));
    c.send(ack(T.PUBREL, 5, 4));
    await c.expect(ack(T.PUBCOMP, 5, 4));
  });

  it("v5 3.4.2.1 with a subscriber the PUBACK is 0x00 (the 2-byte form)", async () => {
    const topic = `somebody/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic);
    const c = await broker.connected({ level: 5, clientId: id() });
    c.send(publish(5, { topic, qos: 1, packetId: 5, payload: "x" }));
    await c.expect(ack(T.PUBACK, 5, 5));
    await expectPublish(sub, 5, { topic, payload: "x" });
  });

  it("v5 3.4.2.1 only the publisher's own No Local subscription matches: nobody receives it, PUBACK 0x10", async () => {
    const topic = `self/${id()}`;
    const c = await broker.connected({ level: 5, clientId: id() });
    await subscribeOk(c, 5, [[topic, 0x04 | 1]], [1]);
    c.send(publish(5, { topic, qos: 1, packetId: 6, payload: "x" }));
    await c.expect(ack(T.PUBACK, 5, 6, NO_MATCHING_SUBSCRIBERS));
  });

  it("v5 3.4.2.1 with noMatchingSubscribersReasonCode false the PUBACK is 0x00", async () => {
    const c = await plain.connected({ level: 5, clientId: id() });
    c.send(publish(5, { topic: `nobody/${id()}`, qos: 1, packetId: 7, payload: "x" }));
    await c.expect(ack(T.PUBACK, 5, 7));
  });
});

describe("MQTT 3.1.1", () => {
  it("3.1.1 has no reason code: a PUBLISH nobody subscribed to gets the plain PUBACK and PUBREC", async () => {
    const c = await broker.connected({ level: 4, clientId: id() });
    c.send(publish(4, { topic: `nobody/${id()}`, qos: 1, packetId: 8, payload: "x" }));
    await c.expect(ack(T.PUBACK, 4, 8));
    c.send(publish(4, { topic: `nobody/${id()}`, qos: 2, packetId: 9, payload: "x" }));
    await c.expect(ack(T.PUBREC, 4, 9));
  });
});
