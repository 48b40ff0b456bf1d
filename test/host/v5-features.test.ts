// MQTT 5 features: topic aliases, message expiry, receive maximum and maximum packet size in both
// directions, and the application properties forwarded untouched.
import { afterEach, describe, expect, it } from "vitest";
import { Harness, collect, delay, nextMessage } from "../helpers/broker.ts";
import { connectBytes, packet, publishBytes, str, subscribeBytes } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

async function rawV5(properties: number[] = []) {
  const raw = await h.raw();
  raw.send(connectBytes({ level: 5, properties }));
  await raw.packet();
  return raw;
}

describe("topic aliases", () => {
  it("v5 a topic alias set with a topic is used by later PUBLISH with an empty topic", async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion: 5 });
    await sub.subscribeAsync("alias/topic");
    const raw = await rawV5();
    const got = collect(sub, 400);
    raw.send(publishBytes(5, "alias/topic", "first", 0, 0, [0x23, 0x00, 0x01]));
    raw.send(publishBytes(5, "", "second", 0, 0, [0x23, 0x00, 0x01]));
    const all = await got;
    expect(all.map((m) => [m.topic, m.payload.toString()])).toEqual([["alias/topic", "first"], ["alias/topic", "second"]]);
    expect(all.every((m) => m.packet.properties?.topicAlias === undefined)).toBe(true);
  });

  it("v5 a topic alias above the server's maximum gets DISCONNECT 0x94", async () => {
    await h.start({ topicAliasMaximum: 2 });
    const raw = await rawV5();
    raw.send(publishBytes(5, "t", "x", 0, 0, [0x23, 0x00, 0x03]));
    const disconnect = await raw.packet();
    expect([disconnect[0], disconnect[2]]).toEqual([0xe0, 0x94]);
    expect(await raw.waitClosed()).toBe(true);
  });

  it("v5 an unknown topic alias with an empty topic is a protocol error (0x82)", async () => {
    await h.start();
    const raw = await rawV5();
    raw.send(publishBytes(5, "", "x", 0, 0, [0x23, 0x00, 0x01]));
    const disconnect = await raw.packet();
    expect([disconnect[0], disconnect[2]]).toEqual([0xe0, 0x82]);
    expect(h.broker.stats.protocolErrors).toBe(1);
  });
});

describe("message expiry", () => {
  it("v5 [MQTT-3.3.2-5] a queued message that expired is not sent", async () => {
    await h.start();
    const first = await h.connect({ protocolVersion: 5, clientId: "away", clean: false, properties: { sessionExpiryInterval: 60 } });
    await first.subscribeAsync("x", { qos: 1 });
    await first.endAsync();
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("x", "stale", { qos: 1, properties: { messageExpiryInterval: 1 } });
    await pub.publishAsync("x", "fresh", { qos: 1 });
    await delay(1200);
    const back = h.client({ protocolVersion: 5, clientId: "away", clean: false, properties: { sessionExpiryInterval: 60 } });
    const got = await collect(back, 500);
    expect(got.map((m) => m.payload.toString())).toEqual(["fresh"]);
  });
});

describe("receive maximum", () => {
  it("v5 [MQTT-3.3.4-9] the server never has more unacknowledged QoS 1 messages to a client than its Receive Maximum", async () => {
    await h.start();
    const raw = await rawV5([0x21, 0x00, 0x02]);
    raw.send(subscribeBytes(5, 1, "rm", 1));
    await raw.packet();
    for (let i = 0; i < 4; i++) await h.broker.publish({ topicName: "rm", payload: String(i), qos: 1 });
    const first = await raw.packet();
    const second = await raw.packet();
    await expect(raw.packet(300)).rejects.toThrow();
    raw.send(packet(0x40, [first[6]!, first[7]!]));
    const third = await raw.packet();
    expect(third.subarray(third.length - 1).toString()).toBe("2");
    expect(second.subarray(second.length - 1).toString()).toBe("1");
  });

  it("v5 a client exceeding the server's Receive Maximum gets DISCONNECT 0x93", async () => {
    await h.start({ receiveMaximum: 2 });
    const raw = await rawV5();
    raw.send(publishBytes(5, "q2", "a", 2, 1));
    raw.send(publishBytes(5, "q2", "b", 2, 2));
    raw.send(publishBytes(5, "q2", "c", 2, 3));
    await raw.packet();
    await raw.packet();
    const disconnect = await raw.packet();
    expect([disconnect[0], disconnect[2]]).toEqual([0xe0, 0x93]);
  });
});

describe("maximum packet size", () => {
  it("v5 [MQTT-3.1.2-25] a message larger than the client's Maximum Packet Size is dropped for that client", async () => {
    await h.start();
    const small = await h.connect({ protocolVersion: 5, properties: { maximumPacketSize: 100 } });
    await small.subscribeAsync("size");
    const got = collect(small, 400);
    await h.broker.publish({ topicName: "size", payload: Buffer.alloc(200) });
    await h.broker.publish({ topicName: "size", payload: Buffer.alloc(20) });
    expect((await got).map((m) => m.payload.length)).toEqual([20]);
    expect(h.broker.stats.dropped).toBe(1);
  });

  it.each([4, 5] as const)("protocol %i: a packet over the server's maxPacketSize closes the connection (v5: 0x95)", async (level) => {
    await h.start({ maxPacketSize: 1000 });
    const raw = await h.raw();
    raw.send(connectBytes({ level }));
    await raw.packet();
    raw.send(publishBytes(level, "big", "x".repeat(2000)));
    if (level === 5) {
      const disconnect = await raw.packet();
      expect([disconnect[0], disconnect[2]]).toEqual([0xe0, 0x95]);
    }
    expect(await raw.waitClosed()).toBe(true);
  });
});

describe("properties", () => {
  it("v5 [MQTT-3.3.2-4] [MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-20] application properties are forwarded untouched", async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion: 5 });
    await sub.subscribeAsync("props");
    const pub = await h.connect({ protocolVersion: 5 });
    const got = nextMessage(sub);
    await pub.publishAsync("props", "{}", {
      qos: 1,
      properties: {
        payloadFormatIndicator: true, contentType: "application/json", responseTopic: "reply/here",
        correlationData: Buffer.from([1, 2, 3]), userProperties: { a: "1", b: ["2", "3"] },
      },
    });
    const properties = (await got).packet.properties!;
    expect(properties.payloadFormatIndicator).toBe(true);
    expect(properties.contentType).toBe("application/json");
    expect(properties.responseTopic).toBe("reply/here");
    expect([...properties.correlationData!]).toEqual([1, 2, 3]);
    expect(properties.userProperties).toEqual({ a: "1", b: ["2", "3"] });
  });

  it("v5 a subscription identifier in a client's PUBLISH is a protocol error", async () => {
    await h.start();
    const raw = await rawV5();
    raw.send(publishBytes(5, "t", "x", 0, 0, [0x0b, 0x01]));
    const disconnect = await raw.packet();
    expect([disconnect[0], disconnect[2]]).toEqual([0xe0, 0x82]);
  });

  it("v5 a message to a 3.1.1 subscriber carries no properties", async () => {
    await h.start();
    const sub = await h.raw();
    sub.send(connectBytes({ level: 4 }));
    await sub.packet();
    sub.send(subscribeBytes(4, 1, "mixed", 0));
    await sub.packet();
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("mixed", "p", { properties: { contentType: "text/plain", userProperties: { k: "v" } } });
    expect([...await sub.packet()]).toEqual([0x30, 0x08, ...str("mixed"), 0x70]);
  });
});
