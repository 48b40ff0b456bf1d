// Spec tests for 2.1-2.2 the fixed header and packet identifiers, MQTT 3.1.1 and 5.0: reserved flag bits must
// hold their listed values, packet types reserved close; v5 an empty property set is a Property Length 0.
import { afterAll, beforeAll, describe, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, noProps, packet, publish, str, subscribe, T, u16, unsubscribe } from "../helpers/packets.ts";
import { expectPublish, subscriber, expectEachClosed } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("hdr");

/** Packets whose fixed header flags differ from the values Table 2.2 lists (after a CONNECT), as [name, bytes]. */
const badFlags = (level: 4 | 5): [string, Buffer][] => [
  ["PUBACK 0100 0001", packet(T.PUBACK | 0x01, u16(1))],
  ["PUBCOMP 0111 1000", packet(T.PUBCOMP | 0x08, u16(1))],
  ["SUBSCRIBE 1000 0011", packet(T.SUBSCRIBE | 0x01, u16(1), level === 5 ? noProps : [], str("a"), [0])],
  ["UNSUBSCRIBE 1010 0000", packet(T.UNSUBSCRIBE & 0xf0, u16(1), level === 5 ? noProps : [], str("a"))],
  ["PINGREQ 1100 0100", packet(T.PINGREQ | 0x04)],
  ["DISCONNECT 1110 0010", packet(T.DISCONNECT | 0x02, level === 5 ? [0] : [])],
];

/** Sends each packet on a connection of its own; expects each closed (v5: DISCONNECT 0x81). */
const closesOn = (level: 4 | 5, packets: [string, Buffer][]) =>
  expectEachClosed(broker, level, packets.map(([, bytes]) => bytes), 0x81);

describe("MQTT 3.1.1", () => {
  it("v3.1.1 [MQTT-2.2.2-1] v3.1.1 [MQTT-2.2.2-2] invalid fixed header flags close the connection", () => closesOn(4, badFlags(4)));

  it("v3.1.1 [MQTT-2.2.2-2] a CONNECT with flags 0001 closes the connection", async () => {
    const c = await broker.open();
    c.send(packet(T.CONNECT | 0x01, str("MQTT"), [4], [0x02], u16(0), str(id())));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-4.8.0-1] a packet of the reserved type 15 (a protocol violation) closes the connection", () =>
    closesOn(4, [["type 15", packet(0xf0)]]));
});

describe("MQTT 5.0", () => {
  it("v5 [MQTT-2.1.3-1] invalid fixed header flags close the connection", () => closesOn(5, badFlags(5)));

  it("v5 [MQTT-2.2.2-1] without properties the server sends a Property Length of 0 (SUBACK, UNSUBACK, PUBLISH)", async () => {
    const topic = `h/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic, 1);
    sub.send(subscribe(5, 2, [[`${topic}/x`, 0]]), unsubscribe(5, 3, [`${topic}/x`]));
    await sub.expect(
      packet(T.SUBACK, u16(2), [0x00], [0x00]), // packetId 2, Property Length 0, granted QoS 0
      packet(T.UNSUBACK, u16(3), [0x00], [0x00]), // packetId 3, Property Length 0, Success
    );
    const pub = await broker.connected({ level: 5, clientId: id() });
    pub.send(publish(5, { topic, qos: 1, packetId: 1, payload: "p" }));
    await pub.expect(ack(T.PUBACK, 5, 1)); // short form: Remaining Length 2, no reason code, no Property Length
    await expectPublish(sub, 5, { topic, qos: 1, payload: "p" }); // ... packetId, Property Length 0, payload
  });

  it("v5 [MQTT-2.2.1-3] a QoS 1 PUBLISH or a PUBACK with packet id 0: DISCONNECT 0x82 Protocol Error, then the close", () =>
    expectEachClosed(broker, 5, [
      publish(5, { topic: `h/${id()}`, qos: 1, packetId: 0, payload: "zero" }),
      ack(T.PUBACK, 5, 0),
    ], 0x82));
});
