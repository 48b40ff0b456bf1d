// Spec tests for 4.9 flow control (MQTT 5.0 only): the server never has more unacknowledged QoS 1/2 PUBLISHes
// towards a client than its Receive Maximum, and keeps answering every other packet meanwhile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, P, pingreq, pingresp, props, publish, subscribe, suback, T } from "../helpers/packets.ts";
import { expectPublish, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("flo");
const level = 5;

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.3.4-9] v5 [MQTT-4.9.0-1] v5 [MQTT-4.9.0-2] Receive Maximum 2: two QoS 1 PUBLISHes in flight, the next only after a PUBACK", async () => {
    const topic = `f/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id(), properties: props(P.receiveMaximum(2)) }, topic, 1);
    const pub = await broker.connected({ level, clientId: id() });
    for (let i = 1; i <= 5; i++) pub.send(publish(level, { topic, qos: 1, packetId: i, payload: `${i}` }));
    const first = await expectPublish(sub, level, { topic, qos: 1, payload: "1" });
    const second = await expectPublish(sub, level, { topic, qos: 1, payload: "2" });
    await sub.expectSilence();
    sub.send(ack(T.PUBACK, level, first));
    const third = await expectPublish(sub, level, { topic, qos: 1, payload: "3" });
    await sub.expectSilence();
    sub.send(ack(T.PUBACK, level, second), ack(T.PUBACK, level, third));
    await expectPublish(sub, level, { topic, qos: 1, payload: "4" });
    await expectPublish(sub, level, { topic, qos: 1, payload: "5" });
  });

  it("v5 [MQTT-3.3.4-9] Receive Maximum 1 and QoS 2: the next PUBLISH only after the PUBCOMP, not the PUBREC", async () => {
    const topic = `f/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id(), properties: props(P.receiveMaximum(1)) }, topic, 2);
    const pub = await broker.connected({ level, clientId: id() });
    for (let i = 1; i <= 2; i++) pub.send(publish(level, { topic, qos: 2, packetId: i, payload: `${i}` }));
    const first = await expectPublish(sub, level, { topic, qos: 2, payload: "1" });
    sub.send(ack(T.PUBREC, level, first));
    await sub.expect(ack(T.PUBREL, level, first));
    await sub.expectSilence();
    sub.send(ack(T.PUBCOMP, level, first));
    await expectPublish(sub, level, { topic, qos: 2, payload: "2" });
  });

  it("v5 [MQTT-3.3.4-9] Receive Maximum 1: a PUBREC of 0x80 ends the QoS 2 flow and frees the quota", async () => {
    const topic = `f/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id(), properties: props(P.receiveMaximum(1)) }, topic, 2);
    const pub = await broker.connected({ level, clientId: id() });
    for (let i = 1; i <= 2; i++) pub.send(publish(level, { topic, qos: 2, packetId: i, payload: `${i}` }));
    const first = await expectPublish(sub, level, { topic, qos: 2, payload: "1" });
    sub.send(ack(T.PUBREC, level, first, 0x80));
    await expectPublish(sub, level, { topic, qos: 2, payload: "2" });
  });

  it("v5 [MQTT-3.3.4-10] v5 [MQTT-4.9.0-3] with the send quota at zero the server still answers PINGREQ and SUBSCRIBE", async () => {
    const topic = `f/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id(), properties: props(P.receiveMaximum(1)) }, topic, 1);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 1, payload: "a" }), publish(level, { topic, qos: 1, packetId: 2, payload: "b" }));
    const first = await expectPublish(sub, level, { topic, qos: 1, payload: "a" });
    sub.send(pingreq());
    await sub.expect(pingresp());
    sub.send(subscribe(level, 9, [[`${topic}/more`, 0]]));
    await sub.expect(suback(level, 9, [0]));
    sub.send(ack(T.PUBACK, level, first));
    expect(await expectPublish(sub, level, { topic, qos: 1, payload: "b" })).toBeGreaterThan(0);
  });
});
