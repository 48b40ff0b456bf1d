// Spec tests for 1.5 data representation, MQTT 3.1.1 and 5.0: UTF-8 strings well-formed and without U+0000,
// U+FEFF kept as is; v5 Variable Byte Integers in their shortest form and UTF-8 string pairs.
import { afterAll, beforeAll, describe, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { bytes, packet, publish, str, T } from "../helpers/packets.ts";
import { expectPublish, subscriber, expectEachClosed } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("dat");

/** Ill-formed UTF-8: a UTF-16 surrogate (U+D800), an overlong "/", a byte never in UTF-8, a truncated sequence. */
const illFormed = [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xff], [0xe2, 0x82]].map((b) => bytes([0x61], b));

/** Publishes to each topicName on a connection of its own and expects each connection closed (v5: DISCONNECT 0x81). */
const closesOn = (level: 4 | 5, topics: Buffer[]) =>
  expectEachClosed(broker, level, topics.map((topic) => publish(level, { topic, payload: "x" })), 0x81);

/** U+FEFF must reach the subscriber intact, and a topic without it must not match. */
async function bomKept(level: 4 | 5) {
  const topic = `\ufeffb/${id()}`;
  const sub = await subscriber(broker, { level, clientId: id() }, topic);
  const pub = await broker.connected({ level, clientId: id() });
  pub.send(publish(level, { topic: topic.slice(1), payload: "stripped" }), publish(level, { topic, payload: "bom" }));
  await expectPublish(sub, level, { topic, payload: "bom" });
  await sub.expectSilence();
}

describe("MQTT 3.1.1", () => {
  it("v3.1.1 [MQTT-1.5.3-1] a string that is not well-formed UTF-8 closes the connection", () => closesOn(4, illFormed));
  it("v3.1.1 [MQTT-1.5.3-2] v3.1.1 [MQTT-4.7.3-2] a string with U+0000 closes the connection", () => closesOn(4, [Buffer.from("a\u0000b")]));
  it("v3.1.1 [MQTT-1.5.3-3] U+FEFF (0xEF 0xBB 0xBF) is neither skipped nor stripped", () => bomKept(4));
});

describe("MQTT 5.0", () => {
  it("v5 [MQTT-1.5.4-1] a string that is not well-formed UTF-8 closes the connection", () => closesOn(5, illFormed));
  it("v5 [MQTT-1.5.4-2] v5 [MQTT-4.7.3-2] a string with U+0000 closes the connection", () => closesOn(5, [Buffer.from("a\u0000b")]));
  it("v5 [MQTT-1.5.4-3] U+FEFF (0xEF 0xBB 0xBF) is neither skipped nor stripped", () => bomKept(5));

  it("v5 [MQTT-1.5.5-1] a Remaining Length not in its shortest form closes the connection", async () => {
    const c = await broker.connected({ level: 5, clientId: id() });
    c.send(Buffer.from([T.PINGREQ, 0x80, 0x00])); // Remaining Length 0 in two bytes
    await c.expectDisconnect(0x81);
  });

  it("v5 [MQTT-1.5.5-1] a Property Length not in its shortest form closes the connection", async () => {
    const c = await broker.connected({ level: 5, clientId: id() });
    c.send(packet(T.PUBLISH, str("a"), [0x80, 0x00], Buffer.from("x"))); // Property Length 0 in two bytes
    await c.expectDisconnect(0x81);
  });

  it("v5 [MQTT-1.5.7-1] a User Property whose name or value is not well-formed UTF-8 closes the connection", async () => {
    for (const [name, value] of [[Buffer.from([0xff]), Buffer.from("v")], [Buffer.from("k"), Buffer.from([0xc3])]] as const) {
      const c = await broker.connected({ level: 5, clientId: id() });
      const property = bytes([0x26], str(name), str(value));
      c.send(packet(T.PUBLISH, str("a"), [property.length], property, Buffer.from("x")));
      await c.expectDisconnect(0x81);
    }
  });
});

