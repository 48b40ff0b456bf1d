// queueOverflow: what a full session queue of QoS 1/2 messages does with one more, for each policy, over real sockets:
// a connected reader that stopped acknowledging (let go as slow because the same publisher also feeds a reader that
// keeps up) and an offline session. Every drop is counted (dropped{reason="queue_full"}) and logged once per client.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Broker } from "../../host/broker.ts";
import type { QueueOverflow } from "../../host/config/options.ts";
import { createBroker } from "../../host/index.ts";
import { SpecClient } from "../spec/support/spec-client.ts";
import { ack, connectBytes, disconnect, P, publishBytes, subscribeBytes, T } from "../helpers/packets.ts";

const MAX_QUEUED = 4;
const PUBLISHES = 12;

let broker: Broker | undefined;
const clients: SpecClient[] = [];
let logs: string[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await broker?.close();
  broker = undefined;
});

async function start(queueOverflow: QueueOverflow): Promise<number> {
  logs = [];
  broker = await createBroker({
    tcp: { host: "127.0.0.1", port: 0 }, maxQueuedMessages: MAX_QUEUED, queueOverflow,
    logger: pino({ level: "warn" }, { write: (line: string) => void logs.push(line) }),
  });
  return (await broker.listen()).port;
}

async function open(port: number): Promise<SpecClient> {
  const c = await SpecClient.open(port);
  clients.push(c);
  return c;
}

/** A v5 client; Receive Maximum 1, so all but one of its QoS 1 messages wait in its session queue until it acknowledges. */
async function v5Subscriber(port: number, clientId: string, cleanStart = true): Promise<SpecClient> {
  const c = await open(port);
  c.send(connectBytes({ level: 5, clientId, cleanStart, properties: [...P.receiveMaximum(1), ...P.sessionExpiryInterval(300)] }));
  await c.expectType(T.CONNACK);
  c.send(subscribeBytes(5, 1, "q/t", 1));
  await c.expectType(T.SUBACK);
  return c;
}

async function publisher(port: number): Promise<SpecClient> {
  const c = await open(port);
  c.send(connectBytes({ clientId: "publisher" }));
  await c.expectType(T.CONNACK);
  return c;
}

/** QoS 1 messages "1".."12", one read chunk each, their PUBACKs read. */
async function publishAll(pub: SpecClient): Promise<void> {
  for (let i = 1; i <= PUBLISHES; i++) {
    pub.send(publishBytes(4, "q/t", String(i), 1, i));
    await pub.expectType(T.PUBACK);
  }
}

/** The payloads `c` receives, acknowledging each, until `count` came or nothing more arrives. */
async function receive(c: SpecClient, count: number): Promise<string[]> {
  const got: string[] = [];
  while (got.length < count) {
    const packet = await c.nextPacket(300);
    if (packet === undefined || packet[0]! >> 4 !== 3) break;
    const topicLength = packet.readUInt16BE(2);
    const packetId = packet.readUInt16BE(4 + topicLength);
    const propertyLength = packet[6 + topicLength]!; // < 128 here: one byte
    got.push(packet.subarray(7 + topicLength + propertyLength).toString());
    c.send(ack(T.PUBACK, 5, packetId));
  }
  return got;
}

/** The slow reader: connected, never acknowledging; a fast reader of the same topic keeps up, so it is let go at once. */
async function slowReaderSetup(port: number): Promise<{ slow: SpecClient; pub: SpecClient }> {
  const slow = await v5Subscriber(port, "slow");
  const fast = await open(port);
  fast.send(connectBytes({ clientId: "fast" }), subscribeBytes(4, 1, "q/t", 0));
  await fast.expectType(T.CONNACK);
  await fast.expectType(T.SUBACK);
  const pub = await publisher(port);
  return { slow, pub };
}

function warnings(): string[] {
  return logs.filter((line) => line.includes("session queue full"));
}

describe("queueOverflow, a connected reader that stopped acknowledging", () => {
  it("drop-newest (default): it keeps the first MAX_QUEUED queued; the newer are dropped, counted, logged once", async () => {
    const { slow, pub } = await slowReaderSetup(await start("drop-newest"));
    await publishAll(pub);
    expect(await receive(slow, PUBLISHES)).toEqual(["1", "2", "3", "4", "5"]); // 1 in flight, 2..5 queued
    expect(broker!.stats.droppedQueueFull).toBe(PUBLISHES - 1 - MAX_QUEUED);
    expect(warnings()).toHaveLength(1);
  });

  it("drop-oldest: the oldest queued make room; it gets the one in flight and the newest MAX_QUEUED", async () => {
    const { slow, pub } = await slowReaderSetup(await start("drop-oldest"));
    await publishAll(pub);
    expect(await receive(slow, PUBLISHES)).toEqual(["1", "9", "10", "11", "12"]);
    expect(broker!.stats.droppedQueueFull).toBe(PUBLISHES - 1 - MAX_QUEUED);
    expect(warnings()).toHaveLength(1);
  });

  it("v5 disconnect: the message that finds the queue full is dropped and counted, then DISCONNECT 0x97 Quota exceeded", async () => {
    const { slow, pub } = await slowReaderSetup(await start("disconnect"));
    await publishAll(pub);
    const first = await slow.expectType(T.PUBLISH);
    expect(first.subarray(first.length - 1).toString()).toBe("1");
    await slow.expectDisconnect(0x97);
    expect(broker!.stats.droppedQueueFull).toBeGreaterThanOrEqual(1);
    expect(broker!.security.counters.slowSubscriberDisconnects).toBe(1);
  });
});

describe("queueOverflow, an offline session", () => {
  for (const [policy, kept] of [["drop-newest", ["1", "2", "3", "4"]], ["drop-oldest", ["9", "10", "11", "12"]],
    ["disconnect", ["1", "2", "3", "4"]]] as const) {
    it(`${policy}: a reconnecting client gets ${kept.join(", ")}; the other ${PUBLISHES - MAX_QUEUED} are counted as dropped${policy === "disconnect" ? " (nobody to disconnect: the newest go)" : ""}`, async () => {
      const port = await start(policy);
      const sub = await v5Subscriber(port, "offline");
      sub.send(disconnect(5));
      await sub.expectClose();
      await publishAll(await publisher(port));
      const again = await open(port);
      again.send(connectBytes({ level: 5, clientId: "offline", cleanStart: false, properties: [...P.receiveMaximum(1), ...P.sessionExpiryInterval(300)] }));
      await again.expectType(T.CONNACK);
      expect(await receive(again, PUBLISHES)).toEqual(kept);
      expect(broker!.stats.droppedQueueFull).toBe(PUBLISHES - MAX_QUEUED);
      expect(warnings()).toHaveLength(1);
    });
  }
});
