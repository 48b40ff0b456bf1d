// Spec tests for a v5 server that announces limits in CONNACK (3.2.2.3): Receive Maximum, Maximum QoS, Retain
// Available, Maximum Packet Size, Server Keep Alive, Session Expiry Interval; and what it does past each limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { property, readProperties, startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { connect, hex, P, props, publish, str, T } from "../helpers/packets.ts";

let limited: TestBroker;
beforeAll(async () => {
  limited = await startBroker({
    maximumQoS: 1, retainAvailable: false, receiveMaximum: 2, maxPacketSize: 128, maxKeepAlive: 2, maxSessionExpiryInterval: 10,
    responseInformation: "replies/%c/",
  });
});
afterAll(() => limited.stop());
const id = uniqueId("lim");
const level = 5;

/** CONNACK properties as "id=value" strings, sorted. */
const listed = (ack: Buffer) => readProperties(ack, 4).map(([pid, v]) => `${pid.toString(16)}=${hex(v)}`).sort();

describe("MQTT 5.0, a broker with limits", () => {
  it("CONNACK announces Receive Maximum 2, Maximum QoS 1, Retain Available 0, Maximum Packet Size 128", async () => {
    const c = await limited.open();
    c.send(connect({ level, clientId: id() }));
    const ack = await c.expectType(T.CONNACK);
    expect(listed(ack)).toEqual(expect.arrayContaining(["21=00 02", "24=01", "25=00", "27=00 00 00 80"]));
  });

  it("v5 [MQTT-3.1.2-28] Response Information only for a client that asks: Request Response Information 1 gets it (%c its id), 0 or none gets none", async () => {
    const clientId = id();
    const asking = await limited.open();
    asking.send(connect({ level, clientId, properties: props(P.requestResponseInformation(1)) }));
    const ack = await asking.expectType(T.CONNACK);
    expect(hex(property(ack, 4, 0x1a) ?? Buffer.alloc(0))).toBe(hex(str(`replies/${clientId}/`))); // a UTF-8 string: length, bytes
    for (const properties of [props(P.requestResponseInformation(0)), undefined]) {
      const quiet = await limited.open();
      quiet.send(connect({ level, clientId: id(), properties }));
      expect(property(await quiet.expectType(T.CONNACK), 4, 0x1a)).toBeUndefined();
    }
  });

  it("a Keep Alive above the server's maximum: Server Keep Alive 2 in CONNACK, and a silent client is closed after 3 s", async () => {
    const c = await limited.open();
    c.send(connect({ level, clientId: id(), keepAlive: 60 }));
    const ack = await c.expectType(T.CONNACK);
    expect(hex(property(ack, 4, 0x13) ?? Buffer.alloc(0))).toBe("00 02");
    await c.expectDisconnect(0x8d, 4500);
  });

  it("a Session Expiry Interval above the server's maximum is answered with the one used", async () => {
    const c = await limited.open();
    c.send(connect({ level, clientId: id(), properties: props(P.sessionExpiryInterval(3600)) }));
    const ack = await c.expectType(T.CONNACK);
    expect(hex(property(ack, 4, 0x11) ?? Buffer.alloc(0))).toBe("00 00 00 0a");
  });

  it("a packet larger than Maximum Packet Size: DISCONNECT 0x95, then the close", async () => {
    const c = await limited.connected({ level, clientId: id() });
    c.send(publish(level, { topic: "l/big", payload: Buffer.alloc(200) }));
    await c.expectDisconnect(0x95);
  });

  it("a PUBLISH above Maximum QoS: DISCONNECT 0x9B, then the close", async () => {
    const c = await limited.connected({ level, clientId: id() });
    c.send(publish(level, { topic: "l/q2", qos: 2, packetId: 1, payload: "x" }));
    await c.expectDisconnect(0x9b);
  });

  it("a retained PUBLISH without Retain Available: DISCONNECT 0x9A, then the close", async () => {
    const c = await limited.connected({ level, clientId: id() });
    c.send(publish(level, { topic: "l/r", retain: true, payload: "x" }));
    await c.expectDisconnect(0x9a);
  });
});

describe("MQTT 5.0, a broker with Receive Maximum 2", () => {
  let small: TestBroker;
  beforeAll(async () => {
    small = await startBroker({ receiveMaximum: 2 });
  });
  afterAll(() => small.stop());

  it("a third unacknowledged QoS 2 PUBLISH from the client: DISCONNECT 0x93, then the close", async () => {
    const c = await small.connected({ level, clientId: id() });
    for (const packetId of [1, 2]) {
      c.send(publish(level, { topic: "l/x", qos: 2, packetId, payload: "x" }));
      await c.expectType(T.PUBREC);
    }
    c.send(publish(level, { topic: "l/x", qos: 2, packetId: 3, payload: "x" }));
    await c.expectDisconnect(0x93);
  });
});

describe("MQTT 3.1.1, a broker with Maximum Packet Size 128", () => {
  it("a packet larger than the maximum closes the connection", async () => {
    const c = await limited.connected({ level: 4, clientId: id() });
    c.send(publish(4, { topic: "l/big", payload: Buffer.alloc(200) }));
    await c.expectClose();
  });
});
