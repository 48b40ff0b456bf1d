// Limits against clients that don't play fair, over real sockets: connection caps (total and per address), half-open
// sockets, long client ids, too many subscriptions, 10,000-level topics, a publish flood (slowed, then 0x96), a
// 256 MB packet announced and stalled. Each refusal's exact bytes, each counter, and a bystander served throughout.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Broker } from "../../host/broker.ts";
import { createBroker, type BrokerOptions } from "../../host/index.ts";
import { SpecClient as RawClient } from "../spec/support/spec-client.ts";
import { connect, hex, pingreq, pingresp, publish, subscribe, suback, T } from "../helpers/packets.ts";

let broker: Broker | undefined;
const clients: RawClient[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.destroy();
  await broker?.close();
  broker = undefined;
});

async function start(options: Partial<BrokerOptions>, host = "127.0.0.1"): Promise<number> {
  broker = await createBroker({ tcp: { host, port: 0 }, ...options });
  return (await broker.listen()).port;
}

async function open(port: number, host = "127.0.0.1"): Promise<RawClient> {
  const c = await RawClient.open(port, host);
  clients.push(c);
  return c;
}

/** A bystander that connects, pings and gets its answer: the broker still serves well-behaved clients. */
async function served(port: number, host = "127.0.0.1"): Promise<void> {
  const c = await open(port, host);
  c.send(connect({ level: 5, clientId: `bystander-${Math.random()}` }));
  expect(hex((await c.expectType(T.CONNACK)).subarray(2, 4))).toBe("00 00");
  c.send(pingreq());
  await c.expect(pingresp());
}

function rawSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => resolve(s));
    s.on("error", reject);
    sockets.push(s);
  });
}

describe("connection limits", { timeout: 60_000 }, () => {
  it("10,000 half-open sockets that never send CONNECT are closed at connectTimeout; others are served meanwhile", async () => {
    const port = await start({ connectTimeout: 2 });
    const closed: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i += 500) {
      const batch = await Promise.all(Array.from({ length: 500 }, () => rawSocket(port).catch(() => undefined)));
      for (const s of batch) if (s) closed.push(new Promise((r) => s.once("close", () => r())));
    }
    await served(port);
    const all = Promise.all(closed).then(() => true);
    expect(await Promise.race([all, new Promise((r) => setTimeout(() => r(false), 20_000))])).toBe(true);
    await served(port);
  });

  it("a CONNECT flood from one address stops at maxConnectionsPerAddress; another address still gets in", async () => {
    const port = await start({ maxConnectionsPerAddress: 50 }, "::");
    const flood = await Promise.all(Array.from({ length: 80 }, () => open(port, "127.0.0.1")));
    flood.forEach((c, i) => c.send(connect({ level: 4, clientId: `flood-${i}` })));
    const replies = await Promise.all(flood.map((c) => c.nextPacket(3000)));
    expect(replies.filter((p) => p !== undefined && hex(p) === "20 02 00 00").length).toBe(50);
    expect(broker!.security.counters.connectionsRefusedPerAddress).toBe(30);
    await served(port, "::1");
  });

  it("maxConnections caps every socket; a place frees when one closes", async () => {
    const port = await start({ maxConnections: 3 });
    const held = await Promise.all([0, 1, 2].map(() => open(port)));
    const extra = await open(port);
    await extra.expectClose();
    expect(broker!.security.counters.connectionsRefused).toBe(1);
    held[0]!.close();
    await new Promise((r) => setTimeout(r, 100));
    await served(port);
  });
});

describe("packet limits", { timeout: 60_000 }, () => {
  it("[MQTT-3.1.3-8] a client id over maxClientIdLength: 3.1.1 return code 2, v5 0x85", async () => {
    const port = await start({ maxClientIdLength: 23 });
    const v4 = await open(port);
    v4.send(connect({ level: 4, clientId: "x".repeat(24) }));
    await v4.expect(Buffer.from([0x20, 2, 0, 2]));
    const v5 = await open(port);
    v5.send(connect({ level: 5, clientId: "y".repeat(24) }));
    expect(hex(await v5.expectType(T.CONNACK))).toBe("20 03 00 85 00");
    const ok = await open(port);
    ok.send(connect({ level: 4, clientId: "z".repeat(23) }));
    await ok.expect(Buffer.from([0x20, 2, 0, 0]));
    expect(broker!.security.counters.clientIdTooLong).toBe(2);
  });

  it("maxSubscriptionsPerClient: past it SUBACK 0x97 (3.1.1 0x80); re-subscribing a held filter still works", async () => {
    const port = await start({ maxSubscriptionsPerClient: 2 });
    const c = await open(port);
    c.send(connect({ level: 5, clientId: "subs" }));
    await c.expectType(T.CONNACK);
    c.send(subscribe(5, 1, [["a", 0], ["b", 0], ["c", 0], ["a", 1]]));
    await c.expect(suback(5, 1, [0, 0, 0x97, 1]));
    const v4 = await open(port);
    v4.send(connect({ level: 4, clientId: "subs4" }));
    await v4.expectType(T.CONNACK);
    v4.send(subscribe(4, 1, [["a", 0], ["b", 0], ["c", 0]]));
    await v4.expect(suback(4, 1, [0, 0, 0x80]));
  });

  it("topics of 10,000 levels: PUBLISH acknowledged 0x90 and dropped, SUBSCRIBE 0x8F; the broker serves on", async () => {
    const port = await start({ maxTopicLevels: 256 });
    const deep = Array.from({ length: 10_000 }, (_, i) => `l${i}`).join("/");
    const c = await open(port);
    c.send(connect({ level: 5, clientId: "deep" }));
    await c.expectType(T.CONNACK);
    c.send(subscribe(5, 1, [[deep, 0], [`${deep.slice(0, 2000)}/#`, 0], ["fine/+", 0]]));
    await c.expect(suback(5, 1, [0x8f, 0x8f, 0]));
    c.send(publish(5, { topic: deep, qos: 1, packetId: 2, payload: "x" }));
    expect(hex(await c.expectType(T.PUBACK))).toBe("40 03 00 02 90");
    expect(broker!.security.counters.topicLevelsOverLimit).toBe(3);
    await served(port);
  });

  it("a 256 MB remaining length announced and stalled is closed after partialPacketTimeout", async () => {
    const port = await start({ partialPacketTimeout: 1 });
    const c = await open(port);
    c.send(connect({ level: 5, clientId: "staller" }));
    await c.expectType(T.CONNACK);
    c.send(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, 0x74])); // PUBLISH, remaining length 268,435,455, 3 bytes of it
    const began = Date.now();
    await c.expectDisconnect(0x8d, 4000);
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
    expect(broker!.security.counters.partialPacketTimeouts).toBe(1);
    const early = await open(port);
    early.send(Buffer.from([0x10, 0xff, 0xff, 0x03])); // a CONNECT that never comes whole
    await early.expectClose(4000);
    await served(port);
  });
});

describe("publish rate", { timeout: 60_000 }, () => {
  it("a flooder over maxPublishRate is slowed, then DISCONNECT 0x96 after publishRateGrace; a bystander keeps publishing", async () => {
    const port = await start({ maxPublishRate: 200, publishRateGrace: 1 });
    const flooder = await open(port);
    flooder.send(connect({ level: 5, clientId: "flooder" }));
    await flooder.expectType(T.CONNACK);
    const one = publish(5, { topic: "flood", payload: "x".repeat(100) });
    const burst = Buffer.concat(Array.from({ length: 200 }, () => one));
    const pump = setInterval(() => flooder.send(burst), 20);
    try {
      await flooder.expectDisconnect(0x96, 10_000);
    } finally {
      clearInterval(pump);
    }
    expect(broker!.security.counters.publishRateSlowed).toBeGreaterThan(0);
    expect(broker!.security.counters.publishRateDisconnects).toBe(1);
    const polite = await open(port);
    polite.send(connect({ level: 5, clientId: "polite" }));
    await polite.expectType(T.CONNACK);
    for (let i = 1; i <= 50; i++) {
      polite.send(publish(5, { topic: "calm", qos: 1, packetId: i, payload: "y" }));
      await polite.expectType(T.PUBACK);
    }
  });
});
