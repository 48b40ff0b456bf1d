// 10k clients connecting at once (as many as the open-file limit allows both processes): raw CONNECT
// and SUBSCRIBE bytes over node:net in batches, every CONNACK and SUBACK, a fan-out, and a clean close.
import { readFileSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBroker, until } from "../helpers/child-broker.ts";
import { connectBytes, disconnect, publishBytes, subscribe } from "../helpers/packets.ts";

/** The soft limit on open files (the child broker inherits it). */
function openFileLimit(): number {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"))!;
  return Number(line.split(/\s+/)[3]);
}

const WANTED = 10_000;
/** Each side (this process, the child broker) holds one descriptor per client plus its own few hundred. */
const RESERVE = Math.min(1000, Math.floor(openFileLimit() / 4));
const CLIENTS = Math.min(WANTED, openFileLimit() - RESERVE);
const BATCH = 500;
const SAMPLE_EVERY = 50;

const CONNACK = [0x20, 2, 0, 0];
const SUBACK_ONE = [0x90, 3, 0, 1, 0];
const SUBACK_TWO = [0x90, 4, 0, 1, 0, 0];

interface Client {
  socket: net.Socket;
  received: Buffer;
  closed: boolean;
  sample: boolean;
}

describe(`${CLIENTS} clients at once (${WANTED} wanted; open-file limit ${openFileLimit()} less ${RESERVE} kept free)`, () => {
  let broker: ChildBroker;
  const clients: Client[] = [];

  beforeAll(async () => {
    broker = await ChildBroker.start();
  });

  afterAll(async () => {
    for (const client of clients) client.socket.destroy();
    await broker?.close();
  });

  function open(i: number): Promise<void> {
    const sample = i % SAMPLE_EVERY === 0;
    const filters: [string, number][] = sample ? [["fleet/all", 0], ["fleet/sample", 0]] : [["fleet/all", 0]];
    const hello = Uint8Array.from([...connectBytes({ clientId: `fleet-${i}`, keepAlive: 0 }), ...subscribe(4, 1, filters)]);
    return new Promise((resolve, reject) => {
      const socket = net.connect(broker.port, "127.0.0.1", () => {
        socket.write(hello);
        resolve();
      });
      const client: Client = { socket, received: Buffer.alloc(0), closed: false, sample };
      socket.on("data", (chunk: Buffer) => { client.received = Buffer.concat([client.received, chunk]); });
      socket.on("error", reject);
      socket.on("close", () => { client.closed = true; });
      clients.push(client);
    });
  }

  it("all connect in batches and get CONNACK then SUBACK [MQTT-3.2.0-1] [MQTT-3.8.4-1]", async () => {
    const before = await broker.gcSnapshot();
    for (let first = 0; first < CLIENTS; first += BATCH) {
      const batch: Promise<void>[] = [];
      for (let i = first; i < Math.min(CLIENTS, first + BATCH); i++) batch.push(open(i));
      await Promise.all(batch);
    }
    const hello = (c: Client) => c.received.length >= CONNACK.length + (c.sample ? SUBACK_TWO : SUBACK_ONE).length;
    await until("every CONNACK and SUBACK", () => clients.every(hello), 60_000);
    for (const client of clients) {
      expect([...client.received]).toEqual([...CONNACK, ...(client.sample ? SUBACK_TWO : SUBACK_ONE)]);
      client.received = Buffer.alloc(0);
    }
    const after = await broker.gcSnapshot();
    expect(after.stats.connections).toBe(CLIENTS);
    expect(after.subscriptionCount - before.subscriptionCount).toBe(CLIENTS + Math.ceil(CLIENTS / SAMPLE_EVERY));
    // Resident memory per connected client with one or two subscriptions (a generous bound; see the report for the figure).
    expect((after.memory.rss - before.memory.rss) / CLIENTS).toBeLessThan(64 * 1024);
  }, 120_000);

  it("a publish reaches the sample, another reaches every client", async () => {
    const publisher = clients[1]!.socket;
    const sampleBytes = [...publishBytes(4, "fleet/sample", "s")];
    const allBytes = [...publishBytes(4, "fleet/all", "a")];
    publisher.write(Uint8Array.from([...sampleBytes, ...allBytes]));
    const expected = (c: Client) => c.sample ? [...sampleBytes, ...allBytes] : allBytes;
    await until("the fan-out", () => clients.every((c) => c.received.length >= expected(c).length), 60_000);
    for (const client of clients) expect([...client.received]).toEqual(expected(client));
  }, 120_000);

  it("all disconnect cleanly: the broker closes every socket and counts none left", async () => {
    for (const client of clients) client.socket.end(Uint8Array.from(disconnect(4)));
    await until("every socket closed", () => clients.every((c) => c.closed), 60_000);
    await until("the broker to count 0 connections", async () => (await broker.snapshot()).connections === 0, 10_000);
    const after = await broker.snapshot();
    expect(after.stats.connections).toBe(0);
    expect(after.sessions).toBe(0);
    expect(after.subscriptionCount).toBe(0);
    expect(after.stats.protocolErrors).toBe(0);
    expect(broker.alive).toBe(true);
  }, 120_000);
});
