// Spec tests for 3.2 CONNACK, MQTT 3.1.1 and 5.0: first and only once, reserved flags clear, Session Present 0
// on refusal, then the close; v5 Assigned Client Identifier, Maximum QoS and Retain Available.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { property, startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { connack, connect, hex, P, pingreq, pingresp, props, publish, subscribe, suback, T } from "../helpers/packets.ts";

let broker: TestBroker;
beforeAll(async () => {
  // Refuses clientIds "refused..." with 0x87 (Not authorized; 0x05 in 3.1.1) and "badid..." with 0x85 (Client
  // Identifier not valid; 0x02 in 3.1.1).
  const refuse = (clientId: string) => (clientId.startsWith("refused") ? 0x87 : clientId.startsWith("badid") ? 0x85 : true);
  broker = await startBroker({ hooks: { authenticate: ({ client }) => refuse(client.clientId) } });
});
afterAll(() => broker.stop());
const id = uniqueId("cak");
const v5ConnackCodes = [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f];

describe("MQTT 3.1.1", () => {
  it("v3.1.1 [MQTT-3.2.0-1] the first packet from the server is CONNACK, even with a PINGREQ in the same chunk", async () => {
    const c = await broker.open();
    c.send(Buffer.concat([connect({ level: 4, clientId: id() }), pingreq()]));
    await c.expect(connack(4, false, 0), pingresp());
  });

  it("v3.1.1 [MQTT-3.2.2-4] v3.1.1 [MQTT-3.2.2-5] a refused CONNECT gets CONNACK 0x05 with Session Present 0, then the close", async () => {
    const c = await broker.open();
    c.send(connect({ level: 4, clientId: `refused${id()}`, cleanStart: false }));
    await c.expect(connack(4, false, 0x05));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.3-9] a rejected clientId gets CONNACK 0x02, then the close", async () => {
    const c = await broker.open();
    c.send(connect({ level: 4, clientId: `badid${id()}` }));
    await c.expect(connack(4, false, 0x02));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-3.1.4-5] after a refused CONNECT the data that follows it is not processed", async () => {
    const topic = `c/${id()}`;
    const c = await broker.open();
    c.send(Buffer.concat([connect({ level: 4, clientId: `refused${id()}` }), publish(4, { topic, retain: true, payload: "no" })]));
    await c.expect(connack(4, false, 0x05));
    await c.expectClose();
    const sub = await broker.connected({ level: 4, clientId: id() });
    sub.send(subscribe(4, 1, [[topic, 0]]));
    await sub.expect(suback(4, 1, [0]));
    await sub.expectSilence();
  });
});

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.2.0-1] v5 [MQTT-3.2.0-2] one CONNACK, before anything else, even with a PINGREQ in the same chunk", async () => {
    const c = await broker.open();
    c.send(Buffer.concat([connect({ level: 5, clientId: id() }), pingreq()]));
    await c.expectType(T.CONNACK);
    await c.expect(pingresp());
    await c.expectSilence();
  });

  it("v5 [MQTT-3.2.2-1] v5 [MQTT-3.2.2-8] the Connect Acknowledge Flags' bits 7-1 are 0 and the reason code is a CONNACK one", async () => {
    const c = await broker.open();
    c.send(connect({ level: 5, clientId: id() }));
    const ack = await c.expectType(T.CONNACK);
    expect(ack[2]! & 0xfe).toBe(0);
    expect(v5ConnackCodes).toContain(ack[3]);
  });

  it("v5 [MQTT-3.1.3-8] a rejected clientId gets CONNACK 0x85, then the close", async () => {
    const c = await broker.open();
    c.send(connect({ level: 5, clientId: `badid${id()}` }));
    await c.expectRefusal(5, 0x85);
  });

  it("v5 [MQTT-3.1.4-2] v5 [MQTT-3.2.2-6] v5 [MQTT-3.2.2-7] a refused CONNECT gets CONNACK 0x87 with Session Present 0, then the close", async () => {
    const c = await broker.open();
    c.send(connect({ level: 5, clientId: `refused${id()}`, cleanStart: false, properties: props(P.sessionExpiryInterval(60)) }));
    const ack = await c.expectType(T.CONNACK);
    expect(hex(ack.subarray(2, 4))).toBe("00 87");
    await c.expectClose();
  });

  it("v5 [MQTT-3.1.4-6] after a refused CONNECT the data that follows it is not processed", async () => {
    const topic = `c/${id()}`;
    const c = await broker.open();
    c.send(Buffer.concat([connect({ level: 5, clientId: `refused${id()}` }), publish(5, { topic, retain: true, payload: "no" })]));
    const ack = await c.expectType(T.CONNACK);
    expect(hex(ack.subarray(2, 4))).toBe("00 87");
    await c.expectClose();
    const sub = await broker.connected({ level: 5, clientId: id() });
    sub.send(subscribe(5, 1, [[topic, 0]]));
    await sub.expect(suback(5, 1, [0]));
    await sub.expectSilence();
  });

  it("v5 [MQTT-3.2.2-16] two zero-length clientIds are assigned different Client Identifiers", async () => {
    const assigned: string[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await broker.open();
      c.send(connect({ level: 5, clientId: "" }));
      const ack = await c.expectType(T.CONNACK);
      const value = property(ack, 4, 0x12);
      expect(value, "Assigned Client Identifier").toBeDefined();
      assigned.push(value!.subarray(2).toString("utf8"));
    }
    expect(assigned[0]!.length).toBeGreaterThan(0);
    expect(assigned[0]).not.toBe(assigned[1]);
  });
});

describe("MQTT 5.0, a broker with maximumQoS 1 and no retained messages", () => {
  let limited: TestBroker;
  beforeAll(async () => {
    limited = await startBroker({ maximumQoS: 1, retainAvailable: false });
  });
  afterAll(() => limited.stop());

  it("v5 [MQTT-3.2.2-9] CONNACK carries Maximum QoS 1", async () => {
    const c = await limited.open();
    c.send(connect({ level: 5, clientId: id() }));
    const ack = await c.expectType(T.CONNACK);
    expect(hex(property(ack, 4, 0x24) ?? Buffer.alloc(0))).toBe("01");
  });

  it("v5 [MQTT-3.2.2-10] a SUBSCRIBE requesting QoS 2 is still accepted (granted QoS 1)", async () => {
    const c = await limited.connected({ level: 5, clientId: id() });
    c.send(subscribe(5, 3, [["a/b", 2]]));
    await c.expect(suback(5, 3, [1]));
  });

  it("v5 [MQTT-3.2.2-12] a Will QoS 2 beyond Maximum QoS is refused: CONNACK 0x9B, then the close", async () => {
    const c = await limited.open();
    c.send(connect({ level: 5, clientId: id(), will: { topic: "w", payload: [1], qos: 2 } }));
    await c.expectRefusal(5, 0x9b);
  });

  it("v5 [MQTT-3.2.2-13] a Will Retain 1 without retained message support is refused: CONNACK 0x9A, then the close", async () => {
    const c = await limited.open();
    c.send(connect({ level: 5, clientId: id(), will: { topic: "w", payload: [1], retain: true } }));
    await c.expectRefusal(5, 0x9a);
  });
});
