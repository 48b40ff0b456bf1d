// A slow subscriber must not slow anyone else (issue 9): a client subscribed to `#` that never reads, four clients
// flooding QoS 0 (in a process of their own), and a bystander pair at 1,000 msgs/s on its own topic; the bystander's
// latency with the stalled reader is compared with the same flood without it, in one run. The broker runs in a child
// process, so its memory is measured apart from the clients.
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { defaultOptions } from "../../host/config/options.ts";
import type { Broker } from "../../host/broker.ts";
import { createBroker } from "../../host/index.ts";
import { ChildBroker, MB, until } from "../helpers/child-broker.ts";
import { startFlooders } from "../helpers/flooder.ts";
import { connectBytes, publishBytes, subscribeBytes } from "../helpers/packets.ts";

const FLOODERS = 4;
/** Per flooder: 20,000 msgs/s of 128 bytes, 10 MB/s in all, several times what the stalled reader's cap holds in a second. */
const FLOOD_RATE = 20_000;
const FLOOD_PAYLOAD = 128;
const BYSTANDER_RATE = 1000;
const BYSTANDER_WARMUP = 500;
const BYSTANDER_MESSAGES = 2000;
const QOS0_CAP = defaultOptions.maxQueuedQoS0Bytes;

/** A raw 3.1.1 client; `onPublish` sees each PUBLISH's payload (QoS 0 only). Resolves once CONNACK (and SUBACK) came. */
async function rawClient(port: number, clientId: string, topicFilter?: string, onPublish?: (payload: Buffer) => void): Promise<net.Socket> {
  const socket = net.connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  socket.on("error", () => {});
  let pending: Buffer = Buffer.alloc(0);
  let acks = 0;
  const wanted = topicFilter === undefined ? 1 : 2;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${clientId}: no CONNACK/SUBACK`)), 5000);
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        let length = 0, shift = 0, at = 1;
        for (; at < pending.length && at < 5; at++) {
          length += (pending[at]! & 0x7f) << shift;
          shift += 7;
          if ((pending[at]! & 0x80) === 0) break;
        }
        if (at >= pending.length || pending.length < at + 1 + length) break;
        const body = pending.subarray(at + 1, at + 1 + length);
        const type = pending[0]! >> 4;
        pending = pending.subarray(at + 1 + length);
        if (type === 3) onPublish?.(body.subarray(2 + body.readUInt16BE(0)));
        else if ((type === 2 || type === 9) && ++acks === wanted) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
  });
  socket.write(connectBytes({ clientId, keepAlive: 0 }));
  if (topicFilter !== undefined) socket.write(subscribeBytes(4, 1, topicFilter, 0));
  await ready;
  return socket;
}

/** A QoS 0 PUBLISH to bystander/t whose payload is its sequence number and the time it was sent. */
function stamped(sequence: number): Buffer {
  const packet = Buffer.alloc(2 + 2 + 11 + 12);
  packet[0] = 0x30;
  packet[1] = packet.length - 2;
  packet.writeUInt16BE(11, 2);
  packet.write("bystander/t", 4);
  packet.writeUInt32BE(sequence, 15);
  packet.writeDoubleBE(performance.now(), 19);
  return packet;
}

interface Run {
  received: number;
  inOrder: boolean;
  p99: number;
  rssGrowth: number;
  droppedCongested: number;
}

/** One run on a fresh broker: the flood, optionally the stalled `#` reader, and the bystander pair measured. */
async function scenario(stalled: boolean): Promise<Run> {
  const broker = await ChildBroker.start({});
  const sockets: net.Socket[] = [];
  try {
    if (stalled) sockets.push((await rawClient(broker.port, "stalled", "#")));
    sockets[0]?.pause(); // subscribed; from now on it never reads
    const latencies: number[] = [];
    let next = 0, received = 0, inOrder = true;
    sockets.push(await rawClient(broker.port, "bystander-sub", "bystander/t", (payload) => {
      received++;
      const sequence = payload.readUInt32BE(0);
      if (sequence !== next) inOrder = false;
      next = sequence + 1;
      if (sequence >= BYSTANDER_WARMUP) latencies.push(performance.now() - payload.readDoubleBE(4));
    }));
    const publisher = await rawClient(broker.port, "bystander-pub");
    sockets.push(publisher);
    const before = await broker.gcSnapshot();
    const flooders = await startFlooders(broker.port, FLOODERS, FLOOD_RATE, FLOOD_PAYLOAD, 15);
    try {
      // The first BYSTANDER_WARMUP messages go while the flood sets in and the stalled reader backs up; they are
      // counted, not measured.
      const total = BYSTANDER_WARMUP + BYSTANDER_MESSAGES;
      const started = performance.now();
      for (let sent = 0; sent < total;) {
        const due = Math.min(total, Math.floor(((performance.now() - started) * BYSTANDER_RATE) / 1000) + 1);
        for (; sent < due; sent++) publisher.write(stamped(sent));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await until("the bystander's messages", () => received === total, 10_000).catch(() => {});
    } finally {
      await flooders.stop();
    }
    const after = await broker.snapshot();
    latencies.sort((a, b) => a - b);
    return {
      received, inOrder,
      p99: latencies[Math.floor(latencies.length * 0.99)] ?? Infinity,
      rssGrowth: after.memory.rss - before.memory.rss,
      droppedCongested: (after.stats as unknown as { droppedCongested: number }).droppedCongested,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    await broker.close();
  }
}

describe("a slow subscriber must not slow anyone else", () => {
  const runs: Partial<Record<"baseline" | "stalled", Run>> = {};
  afterAll(() => console.log("slow subscriber:", JSON.stringify(runs)));

  it("a stalled `#` reader among QoS 0 flooders: the bystander gets every message, its p99 within 2x of the same flood without it; the reader's QoS 0 past its cap are dropped and counted; broker memory stays under the cap", async () => {
    const baseline = runs.baseline = await scenario(false);
    const stalled = runs.stalled = await scenario(true);
    expect(baseline.received).toBe(BYSTANDER_WARMUP + BYSTANDER_MESSAGES);
    expect(stalled.received).toBe(BYSTANDER_WARMUP + BYSTANDER_MESSAGES);
    expect(stalled.inOrder).toBe(true);
    // 2x the baseline, with an absolute floor of baseline + 20 ms: on a 2-core machine shared with other test workers
    // a sub-millisecond baseline p99 moves by several ms between runs on scheduling alone. Holding the bystander back
    // for the stalled reader (what this guards against) costs hundreds of ms (874 ms measured before the fix).
    expect(stalled.p99).toBeLessThanOrEqual(Math.max(2 * baseline.p99, baseline.p99 + 20));
    expect(stalled.droppedCongested).toBeGreaterThan(0);
    expect(baseline.droppedCongested).toBe(0);
    // The stalled reader pins at most its QoS 0 cap (8 MiB) of queued bytes; the rest is the flood's own garbage,
    // which the baseline run has too (measured as the baseline's growth, at least 0), plus 32 MiB for heap noise.
    expect(stalled.rssGrowth).toBeLessThan(QOS0_CAP + Math.max(0, baseline.rssGrowth) + 32 * MB);
  }, 40_000);
});

describe("a reader briefly behind still holds back the publisher that feeds it alone", () => {
  let broker: Broker | undefined;
  const sockets: net.Socket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await broker?.close();
  });

  it("a pipelined QoS 0 pair whose reader pauses for 500 ms then resumes: every message arrives, in order, none dropped past a 2 MiB cap", async () => {
    // A 2 MiB QoS 0 cap (over PRESSURE_BYTES, 1 MiB): what the kernel's socket buffers absorb (several MB on
    // loopback) cannot hide a drop.
    broker = await createBroker({ tcp: { host: "127.0.0.1", port: 0 }, maxQueuedQoS0Bytes: 2 * MB });
    const { port } = await broker.listen();
    const COUNT = 32_000; // of 1 KiB: 32 MiB, far more than the cap and the socket buffers, so without the hold it would drop
    let next = 0, inOrder = true;
    const reader = await rawClient(port, "pair-reader", "pair/t", (payload) => {
      if (payload.readUInt32BE(0) !== next) inOrder = false;
      next = payload.readUInt32BE(0) + 1;
    });
    const publisher = await rawClient(port, "pair-publisher");
    sockets.push(reader, publisher);
    reader.pause();
    setTimeout(() => reader.resume(), 500);
    const filler = "x".repeat(1020);
    for (let sent = 0; sent < COUNT;) {
      const batch: Buffer[] = [];
      for (const end = Math.min(COUNT, sent + 100); sent < end; sent++) {
        const packet = publishBytes(4, "pair/t", `....${filler}`);
        packet.writeUInt32BE(sent, packet.length - 1024);
        batch.push(packet);
      }
      if (!publisher.write(Buffer.concat(batch))) await new Promise((resolve) => publisher.once("drain", resolve));
    }
    await until("every message at the reader", () => next === COUNT || !inOrder, 20_000);
    expect(inOrder).toBe(true);
    expect(next).toBe(COUNT);
    expect(broker.stats.droppedCongested).toBe(0);
  }, 30_000);
});
