// Spec tests for 3.15 AUTH and 4.12 enhanced authentication (MQTT 5.0 only): methods the authenticate hook
// accepts in one step, refusals with the close, re-authentication by AUTH, malformed AUTH.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { property, readProperties, startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { bytes, connect, hex, P, packet, props, T } from "../helpers/packets.ts";

let broker: TestBroker;
let plain: TestBroker;
beforeAll(async () => {
  // Method "token" accepts data "ok" and refuses anything else with 0x87; other methods get 0x8C.
  broker = await startBroker({
    hooks: {
      authenticate: ({ authenticationMethod, authenticationData }) => {
        if (authenticationMethod === undefined) return true;
        if (authenticationMethod !== "token") return 0x8c;
        return authenticationData?.toString() === "ok" ? true : 0x87;
      },
    },
  });
  plain = await startBroker();
});
afterAll(async () => {
  await broker.stop();
  await plain.stop();
});
const id = uniqueId("aut");
const level = 5;
const auth = (reasonCode: number, properties: Buffer) => packet(T.AUTH, [reasonCode], properties);

describe("MQTT 5.0", () => {
  it("v5 [MQTT-4.12.0-1] an Authentication Method the server does not support: CONNACK 0x8C, then the close", async () => {
    const c = await plain.open();
    c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod("SCRAM-SHA-1")) }));
    await c.expectRefusal(5, 0x8c);
  });

  it("v5 [MQTT-4.12.0-6] without an Authentication Method in CONNECT the server sends no AUTH and no method in CONNACK", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id() }));
    const ack = await c.expectType(T.CONNACK);
    expect(readProperties(ack, 4).map(([pid]) => pid)).not.toContain(0x15);
    await c.expectSilence();
  });

  it("v5 [MQTT-4.12.0-5] an accepted method: CONNACK 0x00 carries the same Authentication Method", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod("token"), P.authenticationData(Buffer.from("ok"))) }));
    const ack = await c.expectType(T.CONNACK);
    expect(hex(ack.subarray(2, 4))).toBe("00 00");
    expect(hex(property(ack, 4, 0x15) ?? Buffer.alloc(0))).toBe(hex(bytes([0, 5], Buffer.from("token"))));
  });

  it("v5 [MQTT-4.12.0-4] a failed authentication: CONNACK 0x87, then the close", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod("token"), P.authenticationData(Buffer.from("no"))) }));
    await c.expectRefusal(5, 0x87);
  });

  it("v5 [MQTT-3.15.2-1] re-authentication: AUTH 0x19 with the method gets AUTH 0x00 (Success) with the method", async () => {
    const method = props(P.authenticationMethod("token"));
    const c = await broker.connected({ level, clientId: id(), properties: props(P.authenticationMethod("token"), P.authenticationData(Buffer.from("ok"))) });
    c.send(auth(0x19, props(P.authenticationMethod("token"), P.authenticationData(Buffer.from("ok")))));
    await c.expect(auth(0x00, method));
  });

  it("v5 [MQTT-4.12.1-2] a failed re-authentication closes the connection", async () => {
    const c = await broker.connected({ level, clientId: id(), properties: props(P.authenticationMethod("token"), P.authenticationData(Buffer.from("ok"))) });
    c.send(auth(0x19, props(P.authenticationMethod("token"), P.authenticationData(Buffer.from("no")))));
    await c.expectDisconnect(0x87);
  });

  it("v5 [MQTT-3.15.1-1] an AUTH with a reserved flag set closes the connection", async () => {
    const c = await broker.connected({ level, clientId: id(), properties: props(P.authenticationMethod("token"), P.authenticationData(Buffer.from("ok"))) });
    c.send(packet(T.AUTH | 0x01, [0x19], props(P.authenticationMethod("token"))));
    await c.expectDisconnect(0x81);
  });
});
