// v5 Topic Aliases the broker sets towards a client that allows them (host/connection/outbound-aliases.ts):
// exact PUBLISH bytes for the first and later sends, the client's maximum, per-connection lifetime.
import { afterEach, describe, expect, it } from "vitest";
import { Harness, messages } from "../helpers/broker.ts";
import { connectBytes, publishBytes, subscribeBytes } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

const ALIAS_1 = [0x23, 0x00, 0x01];

/** A raw v5 client with these CONNECT properties, subscribed to `topicFilter`. */
async function subscribed(properties: number[], topicFilter: string, qos = 0, clientId = "aliased", cleanStart = true) {
  const raw = await h.raw();
  raw.send(connectBytes({ level: 5, clientId, cleanStart, properties }));
  await raw.packet();
  raw.send(subscribeBytes(5, 1, topicFilter, qos));
  await raw.packet();
  return raw;
}

/** The packet id of a QoS > 0 PUBLISH whose fixed header is 2 bytes. */
const packetIdOf = (p: Buffer) => p.readUInt16BE(4 + p.readUInt16BE(2));

describe("v5 topic aliases towards the client", () => {
  it("v5 [MQTT-3.3.2-11] v5 [MQTT-3.1.2-26] allowing 1 alias: the first PUBLISH sets alias 1 with the topicName, later ones send an empty topicName; another topic goes without an alias", async () => {
    await h.start();
    const raw = await subscribed([0x22, 0x00, 0x01], "t/#");
    for (const [topicName, payload] of [["t/a", "1"], ["t/a", "2"], ["t/b", "3"], ["t/a", "4"]] as const) {
      await h.broker.publish({ topicName, payload });
    }
    expect([...await raw.packet()]).toEqual([...publishBytes(5, "t/a", "1", 0, 0, ALIAS_1)]);
    expect([...await raw.packet()]).toEqual([...publishBytes(5, "", "2", 0, 0, ALIAS_1)]);
    expect([...await raw.packet()]).toEqual([...publishBytes(5, "t/b", "3")]);
    expect([...await raw.packet()]).toEqual([...publishBytes(5, "", "4", 0, 0, ALIAS_1)]);
  });

  it("v5 [MQTT-3.1.2-27] without a Topic Alias Maximum in CONNECT no PUBLISH carries an alias", async () => {
    await h.start();
    const raw = await subscribed([], "t/#");
    await h.broker.publish({ topicName: "t/a", payload: "1" });
    await h.broker.publish({ topicName: "t/a", payload: "2" });
    expect([...await raw.packet()]).toEqual([...publishBytes(5, "t/a", "1")]);
    expect([...await raw.packet()]).toEqual([...publishBytes(5, "t/a", "2")]);
  });

  it("v5 [MQTT-3.3.2-7] aliases end with the network connection: resent QoS 1 messages set the alias again", async () => {
    await h.start();
    const properties = [0x11, 0x00, 0x00, 0x00, 0x3c, 0x22, 0x00, 0x02]; // Session Expiry 60, Topic Alias Maximum 2
    const first = await subscribed(properties, "q", 1, "resumed");
    await h.broker.publish({ topicName: "q", payload: "1", qos: 1 });
    await h.broker.publish({ topicName: "q", payload: "2", qos: 1 });
    const sent = [await first.packet(), await first.packet()];
    expect([...sent[1]!]).toEqual([...publishBytes(5, "", "2", 1, packetIdOf(sent[1]!), ALIAS_1)]);
    first.close();
    const again = await h.raw();
    again.send(connectBytes({ level: 5, clientId: "resumed", cleanStart: false, properties }));
    expect((await again.packet())[0]).toBe(0x20);
    const one = await again.packet(), two = await again.packet();
    expect([...one]).toEqual([...publishBytes(5, "q", "1", 1, packetIdOf(sent[0]!), ALIAS_1, 0x08)]);
    expect([...two]).toEqual([...publishBytes(5, "", "2", 1, packetIdOf(sent[1]!), ALIAS_1, 0x08)]);
  });

  it("v5 a PUBLISH dropped for exceeding the client's Maximum Packet Size sets no alias", async () => {
    await h.start();
    const raw = await subscribed([0x22, 0x00, 0x01, 0x27, 0x00, 0x00, 0x00, 0x40], "t/#"); // Maximum Packet Size 64
    await h.broker.publish({ topicName: "t/a", payload: "x".repeat(100) });
    await h.broker.publish({ topicName: "t/a", payload: "fits" });
    expect([...await raw.packet()]).toEqual([...publishBytes(5, "t/a", "fits", 0, 0, ALIAS_1)]);
  });

  it("v5 an MQTT.js client allowing 2 aliases reads the right topic for every message over 3 topics", async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion: 5, properties: { topicAliasMaximum: 2 } });
    await sub.subscribeAsync("m/#", { qos: 1 });
    const topics = ["m/a", "m/b", "m/c", "m/a", "m/b", "m/c", "m/a"];
    const got = messages(sub, topics.length);
    const pub = await h.connect({ protocolVersion: 5 });
    for (const [i, topic] of topics.entries()) await pub.publishAsync(topic, String(i), { qos: 1 });
    expect((await got).map((m) => [m.topic, m.payload.toString()])).toEqual(topics.map((t, i) => [t, String(i)]));
  });
});
