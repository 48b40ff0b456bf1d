// Spec tests for 3.1 CONNECT, MQTT 3.1.1 and 5.0: exact bytes over a real socket to a real broker,
// exact replies (CONNACK, v5 DISCONNECT) or the close.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProperties, startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { bin, connack, connect, hex, noProps, packet, pingreq, str, T, u16 } from "../helpers/packets.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("con");

/** A CONNECT built field by field (for flag combinations the builder would not produce). */
const rawConnect = (level: 4 | 5, flags: number, ...payload: Buffer[]) =>
  packet(T.CONNECT, str("MQTT"), [level], [flags], u16(0), level === 5 ? noProps : [], ...payload);

for (const level of [4, 5] as const) {
  const v5 = level === 5;
  describe(v5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {
    it("[MQTT-3.1.0-1] the first packet must be CONNECT: a PINGREQ first closes the connection", async () => {
      const c = await broker.open();
      c.send(pingreq());
      await c.expectClose();
    });

    it("[MQTT-3.1.0-2] a second CONNECT is a protocol violation and closes the connection", async () => {
      const clientId = id();
      const c = await broker.connected({ level, clientId });
      c.send(connect({ level, clientId }));
      await c.expectServerClose(level, 0x82);
    });

    it("[MQTT-3.1.2-3] a CONNECT with the reserved flag set closes the connection", async () => {
      const c = await broker.open();
      c.send(connect({ level, clientId: id(), flags: 0x03 })); // clean start + reserved bit 0
      await c.expectRefusal(level);
    });

    it("[MQTT-3.1.2-9] Will Flag 1 without Will Topic and Will Payload closes the connection", async () => {
      const c = await broker.open();
      c.send(rawConnect(level, 0x06, str(id()))); // clean start + will flag, payload: clientId only
      await c.expectRefusal(level);
    });

    it("[MQTT-3.1.3-3] [MQTT-3.1.3-5] a clientId of 1-23 characters [0-9a-zA-Z] is accepted", async () => {
      const c = await broker.open();
      c.send(connect({ level, clientId: "aZ09aZ09aZ09aZ09aZ09aZ0" }));
      const ack = await c.expectType(T.CONNACK);
      expect(hex(ack.subarray(2, 4)), "session present 0, code 0x00").toBe("00 00");
    });

    it("[MQTT-3.1.3-4] a clientId that is not well-formed UTF-8 closes the connection", async () => {
      const c = await broker.open();
      c.send(rawConnect(level, 0x02, str(Buffer.from([0x61, 0xc3, 0x28])))); // "a", then 0xC3 without its continuation byte
      await c.expectRefusal(level);
    });
  });
}

describe("MQTT 3.1.1", () => {
  it("v3.1.1 [MQTT-3.1.2-1] a protocol name other than MQTT is not processed: CONNACK 0x01, then the close", async () => {
    const c = await broker.open();
    c.send(packet(T.CONNECT, str("MQTX"), [4], [0x02], u16(0), str(id())));
    await c.expectRefusal(4, 0x01);
  });

  it("v3.1.1 [MQTT-3.1.2-2] an unsupported protocol level gets CONNACK 0x01, then the close", async () => {
    const c = await broker.open();
    c.send(packet(T.CONNECT, str("MQTT"), [6], [0x02], u16(0), str(id())));
    await c.expect(connack(4, false, 0x01));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.4-4] an acceptable CONNECT gets CONNACK with return code 0", async () => {
    const c = await broker.open();
    c.send(connect({ level: 4, clientId: id() }));
    await c.expect(connack(4, false, 0x00));
  });

  it("v3.1.1 [MQTT-3.1.2-11] Will Flag 0 with Will Topic and Will Message present closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x02, str(id()), str("w"), bin([1])));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.2.2-6] v3.1.1 [MQTT-3.1.4-1] a CONNECT too short for its fields is closed without a CONNACK", async () => {
    const c = await broker.open();
    c.send(packet(T.CONNECT, str("MQTT"), [4], [0x02], u16(0), u16(10), [0x61])); // clientId length 10, 1 byte given
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.2-13] Will Flag 0 with Will QoS 1 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x0a, str(id()))); // clean session + will QoS 1, no will flag
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.2-14] Will QoS 3 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x1e, str(id()), str("w"), bin([1]))); // clean session + will flag + will QoS 3
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.2-15] Will Flag 0 with Will Retain 1 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x22, str(id()))); // clean session + will retain, no will flag
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.2-18] User Name Flag 0 with a User Name present closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x02, str(id()), str("user")));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.2-19] User Name Flag 1 without a User Name closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x82, str(id())));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.2-20] Password Flag 0 with a Password present closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x82, str(id()), str("user"), bin([1, 2])));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.2-21] Password Flag 1 without a Password closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0xc2, str(id()), str("user")));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.2-22] v3.1.1 [MQTT-3.1.4-1] Password Flag 1 with User Name Flag 0 does not conform: closed without CONNACK", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x42, str(id()), bin([1, 2])));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.3-6] a zero-length clientId with CleanSession 1 is accepted", async () => {
    const c = await broker.open();
    c.send(connect({ level: 4, clientId: "" }));
    await c.expect(connack(4, false, 0x00));
  });

  it("v3.1.1 [MQTT-3.1.3-8] a zero-length clientId with CleanSession 0 gets CONNACK 0x02, then the close", async () => {
    const c = await broker.open();
    c.send(connect({ level: 4, clientId: "", cleanStart: false }));
    await c.expect(connack(4, false, 0x02));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.3-10] a Will Topic that is not well-formed UTF-8 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x06, str(id()), str(Buffer.from([0xff])), bin([1])));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.3-11] a User Name that is not well-formed UTF-8 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(4, 0x82, str(id()), str(Buffer.from([0xc0, 0x80]))));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.4-2] a CONNECT with the clientId of a connected client closes the existing connection", async () => {
    const clientId = id();
    const first = await broker.connected({ level: 4, clientId });
    const second = await broker.open();
    second.send(connect({ level: 4, clientId }));
    await second.expect(connack(4, false, 0x00));
    await first.expectClose();
  });
});

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.1.2-1] a protocol name other than MQTT is not processed as MQTT 5: CONNACK 0x01 in 3.1.1 form, then the close", async () => {
    const c = await broker.open();
    c.send(packet(T.CONNECT, str("MQTX"), [5], [0x02], u16(0), noProps, str(id())));
    await c.expectRefusal(4, 0x01);
  });

  it("v5 [MQTT-3.1.2-2] an unsupported protocol version (6): CONNACK 0x01 in 3.1.1 form, then the close", async () => {
    const c = await broker.open();
    c.send(packet(T.CONNECT, str("MQTT"), [6], [0x02], u16(0), noProps, str(id())));
    await c.expectRefusal(4, 0x01);
  });

  it("v5 [MQTT-3.1.2-11] Will Flag 0 with Will QoS 1 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(5, 0x0a, str(id())));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.2-12] Will QoS 3 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(5, 0x1e, str(id()), noProps, str("w"), bin([1])));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.2-13] Will Flag 0 with Will Retain 1 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(5, 0x22, str(id())));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.2-16] User Name Flag 0 with a User Name present closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(5, 0x02, str(id()), str("user")));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.2-17] User Name Flag 1 without a User Name closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(5, 0x82, str(id())));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.2-18] Password Flag 0 with a Password present closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(5, 0x82, str(id()), str("user"), bin([1, 2])));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.2-19] Password Flag 1 without a Password closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(5, 0x42, str(id())));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.3-11] a Will Topic that is not well-formed UTF-8 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(5, 0x06, str(id()), noProps, str(Buffer.from([0xff])), bin([1])));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.3-12] a User Name that is not well-formed UTF-8 closes the connection", async () => {
    const c = await broker.open();
    c.send(rawConnect(5, 0x82, str(id()), str(Buffer.from([0xc0, 0x80]))));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.4-1] a CONNECT whose properties run past its end closes the connection", async () => {
    const c = await broker.open();
    c.send(packet(T.CONNECT, str("MQTT"), [5], [0x02], u16(0), [0x05, 0x11, 0, 0], str(id())));
    await c.expectRefusal(5);
  });

  it("v5 [MQTT-3.1.4-3] a CONNECT with the clientId of a connected client: DISCONNECT 0x8E to the existing one", async () => {
    const clientId = id();
    const first = await broker.connected({ level: 5, clientId });
    const second = await broker.open();
    second.send(connect({ level: 5, clientId }));
    await second.expectType(T.CONNACK);
    await first.expectDisconnect(0x8e);
  });

  it("v5 [MQTT-3.1.4-5] v5 [MQTT-3.1.3-6] v5 [MQTT-3.1.3-7] a zero-length clientId gets CONNACK 0x00 with an Assigned Client Identifier", async () => {
    const c = await broker.open();
    c.send(connect({ level: 5, clientId: "" }));
    const ack = await c.expectType(T.CONNACK);
    expectBytes(ack.subarray(2, 4), [0x00, 0x00]);
    expectProperty(ack, 0x12);
  });

});

function expectBytes(got: Buffer, want: number[]) {
  expect(hex(got)).toBe(hex(want));
}
function expectProperty(packet: Buffer, id: number) {
  const found = readProperties(packet, 4).find(([pid]) => pid === id);
  expect(found, `property 0x${id.toString(16)}`).toBeDefined();
  expect(found![1].length, "a non-empty string").toBeGreaterThan(2);
}
