// Spec tests for the client's v5 Maximum Packet Size (3.1.2.11.4) on every packet the server sends besides PUBLISH
// (3.01-connect-properties.test.ts has PUBLISH): a CONNACK over it is not sent and the connection closes, counted;
// a SUBACK or UNSUBACK over it is not sent: DISCONNECT 0x95, then the close. A refusal's Reason String and User
// Properties (hooks answering a Refusal) are dropped first when they would cross the limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBroker, type Broker } from "../../host/index.ts";
import { SpecClient } from "./support/spec-client.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, connack, connect, disconnect, hex, noProps, P, packet, props, publish, subscribe, suback, T, u16, unsuback, unsubscribe } from "../helpers/packets.ts";

let broker: Broker;
let port = 0;
const clients: SpecClient[] = [];
beforeAll(async () => {
  broker = await createBroker({ tcp: { port: 0, host: "127.0.0.1" }, logLevel: "silent", hooks: {
    authenticate: (e) => e.client.username === "why" || e.authenticationData?.toString() === "bad" ? refusal : true,
    authorizeSubscribe: (e) => !e.topicFilter.startsWith("deny/") || refusal,
    authorizePublish: (e) => !e.topicName.startsWith("deny/") || refusal,
  } });
  ({ port } = await broker.listen());
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker.close();
});
const id = uniqueId("mps");
const WHY = "a reason string of forty characters .....";
const refusal = { reasonCode: 0x87, reasonString: WHY, userProperties: [["k", "v"]] as Array<[string, string]> };
/** The Reason String and User Property every refusal here carries when nothing limits it. */
const diagnostics = props(P.reasonString(WHY), P.userProperty("k", "v"));
const level = 5;

async function open(): Promise<SpecClient> {
  const c = await SpecClient.open(port);
  clients.push(c);
  return c;
}

/** A v5 client connected with this Maximum Packet Size (its CONNACK fits: the broker's is 8 bytes). */
async function limited(maxPacketSize: number): Promise<SpecClient> {
  const c = await open();
  c.send(connect({ level, clientId: id(), properties: props(P.maximumPacketSize(maxPacketSize)) }));
  await c.expect(connack(5, false, 0, props(P.topicAliasMaximum(65535))));
  return c;
}

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.1.2-24] Maximum Packet Size 2, 5 or 7 (the CONNACK is 8 bytes): nothing is sent, the connection closes, counted", async () => {
    for (const maxPacketSize of [2, 5, 7]) {
      const before = broker.stats.packetsTooLarge;
      const c = await open();
      c.send(connect({ level, clientId: id(), properties: props(P.maximumPacketSize(maxPacketSize)) }));
      await c.expectClose();
      expect(broker.stats.packetsTooLarge - before, "counted").toBe(1);
    }
  });

  it("v5 [MQTT-3.1.2-24] Maximum Packet Size 8 is exactly the CONNACK: it is sent", async () => {
    const c = await limited(8);
    expect(c.isClosed).toBe(false);
  });

  it("v5 [MQTT-3.1.2-24] a SUBACK of 30 reason codes (35 bytes) over a limit of 20 is not sent: DISCONNECT 0x95, then the close", async () => {
    const c = await limited(20);
    const base = `mps/${id()}`;
    c.send(subscribe(level, 1, [[`${base}/a`, 0], [`${base}/b`, 1]]));
    await c.expect(suback(level, 1, [0, 1])); // 7 bytes: under the limit
    const before = broker.stats.packetsTooLarge;
    c.send(subscribe(level, 2, Array.from({ length: 30 }, (_, i): [string, number] => [`${base}/${i}`, 0])));
    await c.expect(disconnect(5, 0x95));
    await c.expectClose();
    expect(broker.stats.packetsTooLarge - before, "counted").toBe(1);
  });

  it("v5 [MQTT-3.1.2-24] an UNSUBACK of 30 reason codes over a limit of 20 is not sent: DISCONNECT 0x95, then the close", async () => {
    const c = await limited(20);
    const base = `mps/${id()}`;
    c.send(unsubscribe(level, 3, Array.from({ length: 30 }, (_, i) => `${base}/${i}`)));
    await c.expect(disconnect(5, 0x95));
    await c.expectClose();
  });

  it("v5 [MQTT-3.1.2-24] without a Maximum Packet Size the same SUBACK is sent", async () => {
    const c = await open();
    c.send(connect({ level, clientId: id() }));
    await c.expectType(T.CONNACK);
    const base = `mps/${id()}`;
    c.send(subscribe(level, 2, Array.from({ length: 30 }, (_, i): [string, number] => [`${base}/${i}`, 0])));
    expect(hex(await c.expectType(T.SUBACK))).toBe(hex(suback(level, 2, new Array(30).fill(0))));
    await c.send(unsubscribe(level, 4, [`${base}/0`])).expect(unsuback(level, 4, [0]));
  });
});

describe("MQTT 5.0, a refusal's Reason String and User Property", () => {
  it("v5 [MQTT-3.2.2-19] v5 [MQTT-3.2.2-20] a refused CONNECT: the CONNACK carries them, or, over a limit of 10, drops them", async () => {
    const full = await open();
    full.send(connect({ level, clientId: id(), username: "why" }));
    await full.expect(connack(5, false, 0x87, diagnostics));
    await full.expectClose();
    const limited10 = await open();
    limited10.send(connect({ level, clientId: id(), username: "why", properties: props(P.maximumPacketSize(10)) }));
    await limited10.expect(connack(5, false, 0x87)); // 20 03 00 87 00
    await limited10.expectClose();
  });

  it("v5 [MQTT-3.9.2-1] v5 [MQTT-3.9.2-2] a refused SUBSCRIBE: the SUBACK carries them, or, over a limit of 20, drops them", async () => {
    const full = await limited(1000);
    full.send(subscribe(level, 1, [[`deny/${id()}`, 0]]));
    await full.expect(packet(T.SUBACK, u16(1), diagnostics, [0x87]));
    const c = await limited(20);
    c.send(subscribe(level, 1, [[`deny/${id()}`, 0]]));
    await c.expect(suback(level, 1, [0x87]));
    expect(c.isClosed).toBe(false);
  });

  it("v5 [MQTT-3.4.2-2] v5 [MQTT-3.4.2-3] v5 [MQTT-3.5.2-2] v5 [MQTT-3.5.2-3] a refused PUBLISH: PUBACK and PUBREC carry them, or, over a limit of 20, drop them", async () => {
    const full = await limited(1000);
    full.send(publish(level, { topic: `deny/${id()}`, qos: 1, packetId: 5, payload: "x" }));
    await full.expect(ack(T.PUBACK, 5, 5, 0x87, diagnostics));
    const c = await limited(20);
    c.send(publish(level, { topic: `deny/${id()}`, qos: 1, packetId: 5, payload: "x" }));
    await c.expect(ack(T.PUBACK, 5, 5, 0x87, noProps)); // 40 04 00 05 87 00: Property Length 0 left in place
    c.send(publish(level, { topic: `deny/${id()}`, qos: 2, packetId: 6, payload: "x" }));
    await c.expect(ack(T.PUBREC, 5, 6, 0x87, noProps));
  });

  it("v5 [MQTT-3.14.2-3] v5 [MQTT-3.14.2-4] a failed re-authentication: the DISCONNECT carries them, or, over a limit of 14, drops them", async () => {
    for (const [maxPacketSize, expected] of [[1000, disconnect(5, 0x87, diagnostics)], [14, disconnect(5, 0x87, noProps)]] as const) {
      const c = await open();
      c.send(connect({ level, clientId: id(), properties: props(P.maximumPacketSize(maxPacketSize), P.authenticationMethod("m")) }));
      await c.expectType(T.CONNACK); // 12 bytes with the method and the Topic Alias Maximum
      c.send(packet(T.AUTH, [0x19], props(P.authenticationMethod("m"), P.authenticationData(Buffer.from("bad")))));
      await c.expect(expected);
      await c.expectClose();
    }
  });

  it("v5 [MQTT-3.1.2-29] Request Problem Information 0: no Reason String or User Property on a SUBACK or PUBACK; a CONNACK still has them", async () => {
    const c = await open();
    c.send(connect({ level, clientId: id(), properties: props(P.requestProblemInformation(0)) }));
    await c.expectType(T.CONNACK);
    c.send(subscribe(level, 1, [[`deny/${id()}`, 0]]));
    await c.expect(suback(level, 1, [0x87]));
    c.send(publish(level, { topic: `deny/${id()}`, qos: 1, packetId: 2, payload: "x" }));
    await c.expect(ack(T.PUBACK, 5, 2, 0x87, noProps));
    const refused = await open();
    refused.send(connect({ level, clientId: id(), username: "why", properties: props(P.requestProblemInformation(0)) }));
    await refused.expect(connack(5, false, 0x87, diagnostics));
  });
});
