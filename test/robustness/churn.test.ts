// Churn: retained messages set and cleared in rounds, a takeover storm on one client id, and a crowd
// of clients with wills dropping at once. Each leaves the broker's counts and memory where they were.
import net from "node:net";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBroker, MB, connectClient, until } from "../helpers/child-broker.ts";
import { connectBytes, publishBytes } from "../helpers/packets.ts";

const RETAINED = 10_000;
const STORM = 200;
const WILLS = 1000;

describe("churn", () => {
  let broker: ChildBroker;
  let watcher: MqttClient;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    broker = await ChildBroker.start();
    watcher = await connectClient(broker.port, { clientId: "watcher" });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await watcher?.endAsync(true);
    await broker?.close();
  });

  function open(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(broker.port, "127.0.0.1", () => resolve(socket));
      socket.on("data", () => {});
      socket.on("error", reject);
      sockets.push(socket);
    });
  }

  /** Writes many packets in ~64 KB writes. */
  function writeAll(socket: net.Socket, packets: Iterable<number[]>): void {
    let batch: number[] = [];
    for (const bytes of packets) {
      batch.push(...bytes);
      if (batch.length > 60_000) { socket.write(Uint8Array.from(batch)); batch = []; }
    }
    socket.write(Uint8Array.from(batch));
  }

  it(`[MQTT-3.3.1-5] [MQTT-3.3.1-10] ${RETAINED} retained messages set then cleared, three rounds: memory back each time`, async () => {
    const publisher = await open();
    publisher.write(Uint8Array.from(connectBytes({ clientId: "retainer" })));
    const topics = Array.from({ length: RETAINED }, (_, i) => `ret/${i}/x`);
    const base = await broker.gcSnapshot();
    for (let round = 0; round < 3; round++) {
      writeAll(publisher, topics.map((t) => [...publishBytes(4, t, t, 0, 0, [], 1)]));
      await until("all retained", async () => (await broker.snapshot()).retainedCount === RETAINED, 20_000);
      const replayed = new Set<string>();
      const onMessage = (topic: string, payload: Buffer) => { if (topic === payload.toString()) replayed.add(topic); };
      watcher.on("message", onMessage);
      await watcher.subscribeAsync("ret/+/x");
      await until("every retained message replayed", () => replayed.size === RETAINED, 20_000);
      watcher.off("message", onMessage);
      await watcher.unsubscribeAsync("ret/+/x");
      writeAll(publisher, topics.map((t) => [...publishBytes(4, t, "", 0, 0, [], 1)]));
      await until("all cleared", async () => (await broker.snapshot()).retainedCount === 0, 20_000);
      const after = await broker.gcSnapshot();
      expect(after.wasmBytes).toBe(base.wasmBytes);
      expect(after.memory.heapUsed - base.memory.heapUsed).toBeLessThan(2 * MB);
    }
    publisher.destroy();
    await until("the publisher gone", async () => (await broker.snapshot()).connections === 1);
  }, 90_000);

  it(`[MQTT-3.1.4-2] ${STORM} connections CONNECT with one client id at once: one stays, the rest are closed`, async () => {
    const storm = await Promise.all(Array.from({ length: STORM }, () => open()));
    const closed = storm.map(() => false);
    storm.forEach((socket, i) => socket.on("close", () => { closed[i] = true; }));
    for (const socket of storm) socket.write(Uint8Array.from(connectBytes({ clientId: "same", cleanStart: false })));
    await until("all but one closed", () => closed.filter((c) => c).length === STORM - 1, 20_000);
    const during = await broker.snapshot("same");
    expect(during.stats.connections).toBe(2); // the watcher and the last "same"
    for (const socket of storm) socket.destroy();
    await until("the last one gone", async () => (await broker.snapshot()).connections === 1);
    const after = await broker.snapshot();
    expect(after.sessions).toBe(2); // 3.1.1 without clean session: "same" outlives its connection
    expect(after.internalErrorCount).toBe(0);
  }, 60_000);

  it(`[MQTT-3.1.2-8] ${WILLS} clients with wills dropped at once: every will published, nothing left behind`, async () => {
    const wills: string[] = [];
    await watcher.subscribeAsync("will/#");
    watcher.on("message", (topic) => { if (topic.startsWith("will/")) wills.push(topic); });
    const base = await broker.gcSnapshot();
    const crowd = await Promise.all(Array.from({ length: WILLS }, () => open()));
    crowd.forEach((socket, i) => {
      socket.write(Uint8Array.from(connectBytes({ clientId: `willer-${i}`, keepAlive: 0, will: { qos: 0, topicName: `will/${i}`, payload: "gone" } })));
    });
    await until("all connected", async () => (await broker.snapshot()).stats.connections === WILLS + 1, 20_000);
    for (const socket of crowd) socket.destroy();
    await until("every will", () => wills.length >= WILLS, 20_000);
    expect(new Set(wills).size).toBe(WILLS);
    await until("the crowd gone", async () => (await broker.snapshot()).connections === 1);
    const after = await broker.gcSnapshot();
    expect(after.sessions).toBe(base.sessions);
    expect(after.subscriptionCount).toBe(base.subscriptionCount);
    expect(after.memory.heapUsed - base.memory.heapUsed).toBeLessThan(2 * MB);
  }, 60_000);
});
