// Spec tests for the client's v5 Maximum Packet Size (3.1.2.11.4) on every packet the server sends besides PUBLISH
// (3.01-connect-properties.test.ts has PUBLISH): a CONNACK over it is not sent and the connection closes, counted;
// a SUBACK or UNSUBACK over it is not sent: DISCONNECT 0x95, then the close.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBroker, type Broker } from "../../host/index.ts";
import { SpecClient } from "./support/spec-client.ts";
import { uniqueId } from "./support/ids.ts";
import { connack, connect, disconnect, hex, P, props, subscribe, suback, T, unsuback, unsubscribe } from "../helpers/packets.ts";

let broker: Broker;
let port = 0;
const clients: SpecClient[] = [];
beforeAll(async () => {
  broker = await createBroker({ tcp: { port: 0, host: "127.0.0.1" }, logLevel: "silent" });
  ({ port } = await broker.listen());
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker.close();
});
const id = uniqueId("mps");
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
