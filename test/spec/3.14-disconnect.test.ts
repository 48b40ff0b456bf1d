// Spec tests for 3.14 DISCONNECT, MQTT 3.1.1 and 5.0: a client's DISCONNECT discards its Will, reserved
// flags close; a v5 server's own DISCONNECT uses a DISCONNECT reason code, only after CONNACK, then the close.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProperties, startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { connect, disconnect, noProps, packet, publish, str, T, u16 } from "../helpers/packets.ts";
import { expectPublish, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("dis");
const v5DisconnectCodes = [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2];

for (const level of [4, 5] as const) {
  describe(level === 5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {
    it("[MQTT-3.14.4-3] [MQTT-3.1.2-10] on DISCONNECT the server discards the Will Message without publishing it", async () => {
      const topic = `d/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic);
      const c = await broker.connected({ level, clientId: id(), will: { topic, payload: [1] } });
      c.send(disconnect(level));
      await c.expectClose();
      await sub.expectSilence();
    });

    it("[MQTT-3.14.1-1] a DISCONNECT with a reserved flag set closes the connection", async () => {
      const topic = `d/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic);
      const c = await broker.connected({ level, clientId: id(), will: { topic, payload: Buffer.from("bad") } });
      c.send(packet(T.DISCONNECT | 0x01, level === 5 ? [0x00] : []));
      await c.expectServerClose(level, 0x81);
      await expectPublish(sub, level, { topic, payload: "bad" });
    });
  });
}

describe("MQTT 5.0", () => {
  const level = 5;
  it("v5 [MQTT-3.1.2-8] DISCONNECT with reason code 0x04 (Disconnect with Will Message) publishes the Will", async () => {
    const topic = `d/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id() }, topic);
    const c = await broker.connected({ level, clientId: id(), will: { topic, payload: Buffer.from("bye") } });
    c.send(disconnect(level, 0x04));
    await c.expectClose();
    await expectPublish(sub, level, { topic, payload: "bye" });
  });

  it("v5 [MQTT-3.14.2-1] v5 [MQTT-3.14.2-2] v5 [MQTT-3.14.4-1] v5 [MQTT-3.14.4-2] the server's DISCONNECT: a DISCONNECT reason code, no Session Expiry Interval, nothing after it, then the close", async () => {
    const c = await broker.connected({ level, clientId: id(), properties: undefined });
    c.send(packet(T.PUBLISH | 0x06, str("a"), u16(1), noProps)); // QoS 3: malformed
    const got = await c.expectType(T.DISCONNECT);
    expect(v5DisconnectCodes).toContain(got[2]);
    if (got.length > 3) expect(readProperties(got, 3).map(([pid]) => pid)).not.toContain(0x11);
    await c.expectClose();
  });

  it("v5 [MQTT-3.14.0-1] a malformed CONNECT gets no DISCONNECT (nor CONNACK): just the close", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), flags: 0x03 }));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.14.0-1] a packet before CONNECT gets no DISCONNECT, just the close", async () => {
    const c = await broker.open();
    c.send(publish(level, { topic: "a", payload: "x" }));
    await c.expectClose();
  });
});
