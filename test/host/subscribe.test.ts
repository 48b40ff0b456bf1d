// SUBSCRIBE / UNSUBSCRIBE: SUBACK and UNSUBACK reason codes, QoS capped by maximumQoS, shared
// subscriptions, v5 no-local and subscription identifiers, authorizeSubscribe.
import { afterEach, describe, expect, it } from "vitest";
import { Harness, collect, delay, messages, nextMessage } from "../helpers/broker.ts";
import { connectBytes, packet, str, subscribeBytes } from "../helpers/packets.ts";
import { accessHooks } from "../../host/config/access.ts";

const h = new Harness();
afterEach(() => h.close());

describe.each([4, 5] as const)("protocol %i", (protocolVersion) => {
  it("[MQTT-3.9.3-1] SUBACK grants each filter its QoS, in order", async () => {
    await h.start();
    const client = await h.connect({ protocolVersion });
    const granted = await client.subscribeAsync({ a: { qos: 0 }, b: { qos: 1 }, c: { qos: 2 } });
    expect(granted.map((g) => g.qos)).toEqual([0, 1, 2]);
  });

  it("maximumQoS 1 grants at most QoS 1", async () => {
    await h.start({ maximumQoS: 1 });
    const client = await h.connect({ protocolVersion });
    const granted = await client.subscribeAsync("m", { qos: 2 });
    expect(granted[0]!.qos).toBe(1);
  });

  it(`${protocolVersion === 5 ? "v5 [MQTT-4.7.1-1]" : "v3.1.1 [MQTT-4.7.1-2]"} a filter with # not last ends that connection only`, async () => {
    await h.start();
    const other = await h.connect({ protocolVersion });
    const raw = await h.raw();
    raw.send(connectBytes({ level: protocolVersion }));
    await raw.packet();
    raw.send(subscribeBytes(protocolVersion, 3, "a/#/b", 1));
    if (protocolVersion === 5) expect((await raw.packet())[0]).toBe(0xe0);
    expect(await raw.waitClosed()).toBe(true);
    expect(h.broker.stats.protocolErrors).toBe(1);
    await other.subscribeAsync("still/working");
    expect(other.connected).toBe(true);
  });

  it("[MQTT-3.10.4-4] UNSUBSCRIBE stops delivery and is answered with UNSUBACK", async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion });
    await sub.subscribeAsync("u/#");
    await sub.unsubscribeAsync("u/#");
    const pub = await h.connect({ protocolVersion });
    const got = collect(sub, 300);
    await pub.publishAsync("u/1", "x", { qos: 1 });
    expect(await got).toEqual([]);
    expect(h.broker.topics.subscriptionCount).toBe(0);
  });

  it("shared subscriptions deliver each message to exactly one member of the group", async () => {
    await h.start();
    const a = await h.connect({ protocolVersion });
    const b = await h.connect({ protocolVersion });
    await a.subscribeAsync("$share/g/s/+", { qos: 1 });
    await b.subscribeAsync("$share/g/s/+", { qos: 1 });
    const pub = await h.connect({ protocolVersion });
    const gotA = collect(a, 600);
    const gotB = collect(b, 600);
    for (let i = 0; i < 10; i++) await pub.publishAsync(`s/${i}`, String(i), { qos: 1 });
    const all = [...await gotA, ...await gotB].map((m) => Number(m.payload.toString())).sort((x, y) => x - y);
    expect(all).toEqual([...Array(10).keys()]);
    expect((await gotA).length).toBeGreaterThan(0);
    expect((await gotB).length).toBeGreaterThan(0);
  });

  it("authorizeSubscribe refuses a filter: 0x87 in v5, 0x80 in 3.1.1; the others are granted", async () => {
    await h.start({ hooks: { authorizeSubscribe: ({ topicFilter }) => !topicFilter.startsWith("secret") } });
    const raw = await h.raw();
    raw.send(connectBytes({ level: protocolVersion }));
    await raw.packet();
    const props = protocolVersion === 5 ? [0x00] : [];
    raw.send(packet(0x82, [0x00, 0x05, ...props, ...str("secret/#"), 0x01, ...str("open/#"), 0x01]));
    const suback = await raw.packet();
    expect([...suback.subarray(suback.length - 2)]).toEqual([protocolVersion === 5 ? 0x87 : 0x80, 0x01]);
    await h.broker.publish({ topicName: "secret/x", payload: "no" });
    await h.broker.publish({ topicName: "open/x", payload: "yes" });
    const publish = await raw.packet();
    expect(publish.subarray(4, 10).toString()).toBe("open/x");
  });

  it("an acl with denySubscribeReasonCode 0x80 refuses with 0x80 Unspecified error in both versions", async () => {
    const hooks = accessHooks(undefined, { denySubscribe: ["test/nosubscribe"], denyPublish: [], denySubscribeReasonCode: 0x80 }, true);
    await h.start({ hooks });
    const raw = await h.raw();
    raw.send(connectBytes({ level: protocolVersion }));
    await raw.packet();
    const props = protocolVersion === 5 ? [0x00] : [];
    raw.send(packet(0x82, [0x00, 0x06, ...props, ...str("test/nosubscribe"), 0x02, ...str("test/other"), 0x02]));
    const suback = await raw.packet();
    expect([...suback.subarray(suback.length - 2)]).toEqual([0x80, 0x02]);
  });
});

describe("v5 subscription options", () => {
  it("v5 [MQTT-3.8.3-3] no-local: a client does not receive its own publishes", async () => {
    await h.start();
    const client = await h.connect({ protocolVersion: 5 });
    await client.subscribeAsync("nl", { qos: 1, nl: true });
    const other = await h.connect({ protocolVersion: 5 });
    await other.subscribeAsync("nl", { qos: 1 });
    const gotOther = nextMessage(other);
    const own = collect(client, 300);
    await client.publishAsync("nl", "mine", { qos: 1 });
    expect((await gotOther).payload.toString()).toBe("mine");
    expect(await own).toEqual([]);
  });

  it("v5 [MQTT-3.3.4-3] subscription identifiers of every matching subscription are sent", async () => {
    await h.start();
    const client = await h.connect({ protocolVersion: 5 });
    await client.subscribeAsync("id/+", { qos: 1, properties: { subscriptionIdentifier: 7 } });
    await client.subscribeAsync("id/#", { qos: 1, properties: { subscriptionIdentifier: 9 } });
    await client.subscribeAsync("id/x", { qos: 1 });
    const got = nextMessage(client);
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("id/x", "ids", { qos: 1 });
    const ids = (await got).packet.properties?.subscriptionIdentifier;
    expect([ids].flat().sort()).toEqual([7, 9]);
  });

  it("v5 [MQTT-3.8.3-4] no-local on a shared subscription is a protocol error", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5 }));
    await raw.packet();
    raw.send(subscribeBytes(5, 1, "$share/g/x", 0x05));
    const disconnect = await raw.packet();
    expect([disconnect[0], disconnect[2]]).toEqual([0xe0, 0x82]);
  });

  it("v5 UNSUBACK 0x11 for a filter that had no subscription", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5 }));
    await raw.packet();
    raw.send(packet(0xa2, [0x00, 0x02, 0x00, ...str("never")]));
    const unsuback = await raw.packet();
    expect([...unsuback]).toEqual([0xb0, 0x04, 0x00, 0x02, 0x00, 0x11]);
  });

  it("a wildcard subscription does not match $-topics, an explicit $ filter does", async () => {
    await h.start();
    const client = await h.connect({ protocolVersion: 5 });
    await client.subscribeAsync("#");
    await client.subscribeAsync("$internal/x");
    const got = collect(client, 400);
    await h.broker.publish({ topicName: "$internal/x", payload: "sys" });
    expect((await got).map((m) => m.topic)).toEqual(["$internal/x"]);
  });
});
