// A subscriber that never reads its socket while a publisher floods: the broker drops QoS 0 to it past
// its outbound cap and queues QoS 1 only up to maxQueuedMessages; memory stays bounded, others keep receiving.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBroker, MB, until } from "../helpers/child-broker.ts";
import { connectBytes, subscribeBytes } from "../helpers/packets.ts";
import { writePublish } from "../helpers/publish-stream.ts";

const PAYLOAD = Buffer.alloc(64 * 1024, 0x61);
const BURST = 32; // 2 MB a burst; the fast subscriber has all of a burst before the next goes out
const FLOOD_BYTES = 160 * MB;
const MAX_QUEUED = 200;
/** What a slow reader may pin after gc: the 8 MB QoS 0 cap, or MAX_QUEUED + 50 inflight messages of 64 KB, each
 *  up to twice over (a message keeps the read chunk it arrived in), with room to spare. The flood is 160 MB. */
const RETAINED_BOUND = 40 * MB;

/** A raw 3.1.1 client that counts the PUBLISH packets it receives without keeping them. */
class Counter {
  publishes = 0;
  private skip = 0;
  private header: number[] = [];

  constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.feed(chunk));
  }

  private feed(chunk: Buffer): void {
    for (let at = 0; at < chunk.length;) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, chunk.length - at);
        this.skip -= take;
        at += take;
        continue;
      }
      this.header.push(chunk[at++]!);
      const h = this.header;
      if (h.length < 2 || (h[h.length - 1]! & 0x80) !== 0) continue;
      let remaining = 0;
      for (let i = 1; i < h.length; i++) remaining += (h[i]! & 0x7f) * 128 ** (i - 1);
      if (h[0]! >> 4 === 3) this.publishes++;
      this.skip = remaining;
      this.header = [];
    }
  }
}

async function rawClient(port: number, clientId: string, subscribe?: { topicFilter: string; qos: number }): Promise<Counter> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  socket.on("error", () => {});
  const counter = new Counter(socket);
  const hello = [...connectBytes({ clientId, keepAlive: 0 }), ...(subscribe ? subscribeBytes(4, 1, subscribe.topicFilter, subscribe.qos) : [])];
  socket.write(Uint8Array.from(hello));
  return counter;
}

describe("a slow reader under a flood", () => {
  let broker: ChildBroker;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    broker = await ChildBroker.start({ maxQueuedMessages: MAX_QUEUED, maxInflightMessages: 50 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await broker?.close();
  });

  /** Floods `topicName` at `qos` in bursts paced by `fast`; resolves with how many were published. */
  async function flood(topicName: string, qos: 0 | 1, fast: Counter, bytes = FLOOD_BYTES): Promise<number> {
    const publisher = await rawClient(broker.port, `flood-pub-${sockets.length}`);
    sockets.push(publisher.socket);
    const total = Math.floor(bytes / PAYLOAD.length);
    const start = fast.publishes;
    for (let sent = 0; sent < total;) {
      for (const end = Math.min(total, sent + BURST); sent < end; sent++) writePublish(publisher.socket, topicName, PAYLOAD, qos, (sent % 65535) + 1);
      await until(`the fast subscriber to get ${sent} messages`, () => fast.publishes - start >= sent, 30_000);
    }
    return total;
  }

  it("QoS 0: the slow subscriber's messages are dropped past the cap; the fast one gets all; memory bounded", async () => {
    const slow = await rawClient(broker.port, "slow-0", { topicFilter: "flood/0", qos: 0 });
    const fast = await rawClient(broker.port, "fast-0", { topicFilter: "flood/0", qos: 0 });
    sockets.push(slow.socket, fast.socket);
    await until("both subscribed", async () => (await broker.snapshot()).subscriptionCount === 2);
    slow.socket.pause();
    const before = await broker.gcSnapshot();
    const total = await flood("flood/0", 0, fast);
    const after = await broker.snapshot();
    expect(fast.publishes).toBe(total);
    expect(after.stats.dropped - before.stats.dropped).toBeGreaterThan(total / 2);
    expect(after.memory.rss - before.memory.rss).toBeLessThan(FLOOD_BYTES / 2);
    const held = await broker.gcSnapshot();
    expect(held.memory.arrayBuffers - before.memory.arrayBuffers).toBeLessThan(RETAINED_BOUND);
    expect(broker.alive).toBe(true);
  }, 90_000);

  it("QoS 1: the slow subscriber's session queues at most maxQueuedMessages; the fast one gets all; memory bounded", async () => {
    const slow = await rawClient(broker.port, "slow-1", { topicFilter: "flood/1", qos: 1 });
    const fast = await rawClient(broker.port, "fast-1", { topicFilter: "flood/1", qos: 0 });
    sockets.push(slow.socket, fast.socket);
    await until("both subscribed", async () => (await broker.snapshot()).subscriptionCount === 4);
    slow.socket.pause();
    const before = await broker.gcSnapshot();
    const total = await flood("flood/1", 1, fast);
    const after = await broker.snapshot("slow-1");
    expect(fast.publishes).toBe(total);
    expect(after.sessionQueued).toBeLessThanOrEqual(MAX_QUEUED);
    expect(after.sessionInflight).toBeLessThanOrEqual(50);
    expect(after.stats.dropped - before.stats.dropped).toBeGreaterThanOrEqual(total - MAX_QUEUED - 50);
    expect(after.memory.rss - before.memory.rss).toBeLessThan(FLOOD_BYTES / 2);
    const held = await broker.gcSnapshot();
    expect(held.memory.arrayBuffers - before.memory.arrayBuffers).toBeLessThan(RETAINED_BOUND);
    expect(broker.alive).toBe(true);
  }, 90_000);

  it("readers that never read, joining every 500 ms, do not stall everyone: a flood takes at most 3x its time alone + 1 s", async () => {
    const fast = await rawClient(broker.port, "fast-2", { topicFilter: "flood/2", qos: 0 });
    sockets.push(fast.socket);
    await until("subscribed", async () => (await broker.snapshot("fast-2")).sessionSubscriptions === 1);
    const bytes = FLOOD_BYTES * 3 / 5;
    const started = performance.now();
    await flood("flood/2", 0, fast, bytes);
    const alone = performance.now() - started;

    let joined = 0, stop = false;
    const joiner = (async () => {
      while (!stop) {
        const slow = await rawClient(broker.port, `never-reads-${joined++}`, { topicFilter: "flood/2", qos: 0 });
        slow.socket.pause();
        sockets.push(slow.socket);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    // Each reader that stays behind holds every publisher for up to a second (once, then a quiet period); before
    // the quiet period, with a new one every 500 ms, the flood never finished. It now takes ~1.5x its time alone.
    const finished = await Promise.race([
      flood("flood/2", 0, fast, bytes).then(() => true, () => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3 * alone + 1000)),
    ]);
    stop = true;
    await joiner;
    expect(joined).toBeGreaterThanOrEqual(2);
    expect(finished).toBe(true);
  }, 90_000);
});
