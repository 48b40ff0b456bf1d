// Spec tests for error handling, 4.13 (MQTT 5.0) and 4.8 (MQTT 3.1.1): a Malformed Packet or Protocol Error
// closes the connection, in v5 after a DISCONNECT with the reason code (0x80 or more) that names the error.
import { afterAll, beforeAll, describe, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { connect, disconnect, noProps, P, packet, props, publish, str, subscribe, T, u16 } from "../helpers/packets.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker({ topicAliasMaximum: 10 });
});
afterAll(() => broker.stop());
const id = uniqueId("err");

/** v5 errors after CONNECT, as [what, bytes, its DISCONNECT reason code]. */
const v5Errors: [string, Buffer, number][] = [
  ["a second CONNECT", connect({ level: 5, clientId: "again" }), 0x82],
  ["a property twice", publish(5, { topic: "a", properties: props(P.payloadFormatIndicator(0), P.payloadFormatIndicator(0)) }), 0x82],
  ["an unknown property 0x7F", publish(5, { topic: "a", properties: Buffer.from([2, 0x7f, 0]) }), 0x81],
  ["a Subscription Identifier 0", subscribe(5, 1, [["a", 0]], props(P.subscriptionIdentifier(0))), 0x82],
  ["Retain Handling 3 (3.8.3.1: a Protocol Error)", subscribe(5, 1, [["a", 0x30]]), 0x82],
  ["Maximum QoS 3 (3.8.3.1: a Protocol Error)", subscribe(5, 1, [["a", 0x03]]), 0x82],
  ["a reserved Subscription Options bit [MQTT-3.8.3-5]", subscribe(5, 1, [["a", 0x40]]), 0x81],
  ["a Subscription Identifier in PUBLISH", publish(5, { topic: "a", properties: props(P.subscriptionIdentifier(1)) }), 0x82],
  ["Topic Alias 0", publish(5, { topic: "a", properties: props(P.topicAlias(0)) }), 0x82],
  ["a Topic Alias above the maximum", publish(5, { topic: "a", properties: props(P.topicAlias(11)) }), 0x94],
  ["a QoS 1 PUBLISH with packetId 0", publish(5, { topic: "a", qos: 1, packetId: 0 }), 0x82],
  ["a SUBSCRIBE with packetId 0", subscribe(5, 0, [["a", 0]]), 0x82],
  ["a DISCONNECT setting a Session Expiry Interval after CONNECT had 0", disconnect(5, 0, props(P.sessionExpiryInterval(10))), 0x82],
  ["a CONNACK from the client", packet(T.CONNACK, [0, 0], noProps), 0x82],
];

/** 3.1.1 protocol violations after CONNECT, as [what, bytes]. */
const v311Errors: [string, Buffer][] = [
  ["a second CONNECT", connect({ level: 4, clientId: "again" })],
  ["a QoS 1 PUBLISH with packetId 0", publish(4, { topic: "a", qos: 1, packetId: 0 })],
  ["a SUBSCRIBE with packetId 0", subscribe(4, 0, [["a", 0]])],
  ["an UNSUBSCRIBE with packetId 0", packet(T.UNSUBSCRIBE, u16(0), str("a"))],
  ["a CONNACK from the client", packet(T.CONNACK, [0, 0])],
  ["a SUBACK from the client", packet(T.SUBACK, u16(1), [0])],
];

describe("MQTT 5.0", () => {
  for (const [what, bytes, code] of v5Errors) {
    it(`v5 [MQTT-4.13.1-1] v5 [MQTT-4.13.2-1] ${what}: DISCONNECT 0x${code.toString(16)}, then the close`, async () => {
      const c = await broker.connected({ level: 5, clientId: id() });
      c.send(bytes);
      await c.expectDisconnect(code);
    });
  }
});

describe("MQTT 3.1.1", () => {
  for (const [what, bytes] of v311Errors) {
    it(`v3.1.1 [MQTT-4.8.0-1] ${what} closes the connection`, async () => {
      const c = await broker.connected({ level: 4, clientId: id() });
      c.send(bytes);
      await c.expectClose();
    });
  }
});
