// The embedding API: in-process publish/subscribe, events, stats, authorizePublish, $-topics
// refused, protocol errors isolated to one connection, graceful close.
import { afterEach, describe, expect, it } from "vitest";
import type { BrokerMessage, ClientInfo, PublishEvent } from "../../host/index.ts";
import { Harness, collect, nextMessage, once } from "../helpers/broker.ts";
import { connectBytes, publishBytes } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

describe("in-process API", () => {
  it("broker.publish reaches mqtt.js subscribers", async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion: 5 });
    await sub.subscribeAsync("host/+", { qos: 1 });
    const got = nextMessage(sub);
    await h.broker.publish({ topicName: "host/news", payload: "from the host", qos: 1, properties: { contentType: "text/plain" } });
    const message = await got;
    expect(message.payload.toString()).toBe("from the host");
    expect(message.packet.properties?.contentType).toBe("text/plain");
  });

  it("broker.subscribe receives client publishes until unsubscribed", async () => {
    await h.start();
    const received: BrokerMessage[] = [];
    const unsubscribe = h.broker.subscribe("dev/#", (message) => received.push(message));
    const pub = await h.connect({ protocolVersion: 4 });
    await pub.publishAsync("dev/1", "a", { qos: 1 });
    expect(received.map((m) => [m.topicName, m.payload.toString(), m.qos])).toEqual([["dev/1", "a", 1]]);
    unsubscribe();
    await pub.publishAsync("dev/2", "b", { qos: 1 });
    expect(received.length).toBe(1);
  });

  it("broker.publish refuses an invalid topic name", async () => {
    await h.start();
    await expect(h.broker.publish({ topicName: "a/+", payload: "x" })).rejects.toThrow(/invalid topic name/);
  });

  it("events and stats follow clients", async () => {
    await h.start();
    const connected: ClientInfo[] = [];
    const published: PublishEvent[] = [];
    h.broker.on("clientConnect", (client) => connected.push(client));
    h.broker.on("publish", (event) => published.push(event));
    const disconnected = once<{ client: ClientInfo; reasonCode: number }>(h.broker, "clientDisconnect");
    const subscribed = once<{ topicFilter: string }>(h.broker, "subscribe");
    const client = await h.connect({ protocolVersion: 5, clientId: "watched" });
    await client.subscribeAsync("ev");
    expect((await subscribed).topicFilter).toBe("ev");
    await client.publishAsync("ev", "hello", { qos: 1 });
    expect(connected.map((c) => c.clientId)).toEqual(["watched"]);
    expect(published.map((p) => [p.topicName, p.payload.toString()])).toEqual([["ev", "hello"]]);
    expect(h.broker.stats).toMatchObject({ connections: 1, messagesIn: 1, messagesOut: 1 });
    expect(h.broker.stats.bytesIn).toBeGreaterThan(0);
    expect(h.broker.stats.bytesOut).toBeGreaterThan(0);
    await client.endAsync();
    expect((await disconnected).client.clientId).toBe("watched");
    expect(h.broker.stats.connections).toBe(0);
  });

  it("publish events reach listeners added after one was removed and after removeAllListeners()", async () => {
    await h.start();
    const seen: string[] = [];
    const first = (event: PublishEvent) => seen.push(`first ${event.payload}`);
    h.broker.on("publish", first);
    const client = await h.connect({ protocolVersion: 4 });
    await client.publishAsync("ev", "1", { qos: 1 });
    h.broker.off("publish", first);
    await client.publishAsync("ev", "2", { qos: 1 });
    h.broker.removeAllListeners();
    h.broker.on("publish", (event) => seen.push(`second ${event.payload}`));
    await client.publishAsync("ev", "3", { qos: 1 });
    expect(seen).toEqual(["first 1", "second 3"]);
  });
});

describe("authorizePublish and $-topics", () => {
  const hooks = { authorizePublish: ({ topicName }: { topicName: string }) => !topicName.startsWith("locked/") };

  it("v5 a refused QoS 1 publish gets PUBACK 0x87 and reaches nobody", async () => {
    await h.start({ hooks });
    const sub = await h.connect({ protocolVersion: 5 });
    await sub.subscribeAsync("locked/#");
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5 }));
    await raw.packet();
    const got = collect(sub, 300);
    raw.send(publishBytes(5, "locked/door", "open", 1, 9));
    expect([...await raw.packet()]).toEqual([0x40, 0x03, 0x00, 0x09, 0x87]);
    expect(await got).toEqual([]);
  });

  it("v3.1.1 [MQTT-3.3.5-2] a refused QoS 1 publish is acknowledged and dropped", async () => {
    await h.start({ hooks });
    const sub = await h.connect({ protocolVersion: 4 });
    await sub.subscribeAsync("locked/#");
    const pub = await h.connect({ protocolVersion: 4 });
    const got = collect(sub, 300);
    await pub.publishAsync("locked/door", "open", { qos: 1 });
    expect(await got).toEqual([]);
    expect(pub.connected).toBe(true);
  });

  it("an async authorizePublish decides before routing", async () => {
    await h.start({ hooks: { authorizePublish: async ({ payload }) => payload.toString() !== "no" } });
    const sub = await h.connect({ protocolVersion: 5 });
    await sub.subscribeAsync("async");
    const pub = await h.connect({ protocolVersion: 5 });
    const got = collect(sub, 400);
    pub.publish("async", "no");
    pub.publish("async", "yes");
    expect((await got).map((m) => m.payload.toString())).toEqual(["yes"]);
  });

  it("v5 a client's PUBLISH to $SYS/... gets PUBACK 0x90 (topic name invalid) and is not routed", async () => {
    await h.start();
    const watcher = h.broker.subscribe("$SYS/#", () => { throw new Error("must not be delivered"); });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5 }));
    await raw.packet();
    raw.send(publishBytes(5, "$SYS/broker/load", "fake", 1, 4));
    expect([...await raw.packet()]).toEqual([0x40, 0x03, 0x00, 0x04, 0x90]);
    watcher();
  });

  it("v3.1.1 a client's PUBLISH to $SYS/... is acknowledged and dropped", async () => {
    await h.start();
    let delivered = 0;
    h.broker.subscribe("$SYS/#", () => delivered++);
    const pub = await h.connect({ protocolVersion: 4 });
    await pub.publishAsync("$SYS/broker/load", "fake", { qos: 1 });
    expect(delivered).toBe(0);
  });
});

describe("robustness and close", () => {
  it("a malformed packet ends only its own connection", async () => {
    await h.start();
    const good = await h.connect({ protocolVersion: 4 });
    await good.subscribeAsync("ok");
    const raw = await h.raw();
    raw.send(connectBytes({ level: 4 }));
    await raw.packet();
    raw.send([0x36, 0x03, 0x00, 0x01, 0x61]); // PUBLISH with QoS 3 [MQTT-3.3.1-4]
    expect(await raw.waitClosed()).toBe(true);
    expect(h.broker.stats.protocolErrors).toBe(1);
    const got = nextMessage(good);
    await h.broker.publish({ topicName: "ok", payload: "still here" });
    expect((await got).payload.toString()).toBe("still here");
  });

  it("packets split across many chunks are framed once whole", async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion: 4 });
    await sub.subscribeAsync("split");
    const raw = await h.raw();
    const bytes = [...connectBytes({ level: 4 }), ...publishBytes(4, "split", "x".repeat(300))];
    const got = nextMessage(sub);
    for (const b of bytes) raw.send([b]);
    expect((await got).payload.toString()).toBe("x".repeat(300));
  });

  it("close() sends v5 clients DISCONNECT 0x8B and closes every connection", async () => {
    await h.start();
    const v5 = await h.connect({ protocolVersion: 5 });
    const v4 = await h.connect({ protocolVersion: 4 });
    const disconnect = once<{ reasonCode: number }>(v5, "disconnect");
    const v4closed = once(v4, "close");
    await h.broker.close();
    expect((await disconnect).reasonCode).toBe(0x8b);
    await v4closed;
    expect(h.broker.connections.size).toBe(0);
  });
});

describe("in-process subscriber failures", () => {
  it("a throwing in-process handler does not end the publisher's connection", async () => {
    await h.start();
    h.broker.subscribe("boom", () => { throw new Error("handler bug"); });
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("boom", "x", { qos: 1 });
    await pub.publishAsync("boom", "y", { qos: 1 });
    expect(pub.connected).toBe(true);
    expect(h.broker.stats.messagesIn).toBe(2);
  });
});

describe("many clients", () => {
  it("100 clients connected at once each receive a broadcast; stats follow", async () => {
    await h.start();
    const clients = await Promise.all(Array.from({ length: 100 }, (_, i) => h.connect({ protocolVersion: i % 2 === 0 ? 4 : 5, clientId: `c${i}` })));
    await Promise.all(clients.map((c) => c.subscribeAsync("all", { qos: 1 })));
    expect(h.broker.stats.connections).toBe(100);
    const got = Promise.all(clients.map((c) => nextMessage(c, 5000)));
    await h.broker.publish({ topicName: "all", payload: "hello everyone", qos: 1 });
    expect((await got).every((m) => m.payload.toString() === "hello everyone")).toBe(true);
    expect(h.broker.stats.messagesOut).toBe(100);
  });
});
