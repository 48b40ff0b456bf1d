// What a session keeps beyond the current chunk (its offline queue, its in-flight window) owns its bytes:
// 1,000 tiny QoS 1 messages queued for an offline session must not pin the 64 KB read chunks they came in;
// big ones are held only up to maxQueuedBytes.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBroker, MB, connectClient, until } from "../helpers/child-broker.ts";
import { connectBytes, publishBytes } from "../helpers/packets.ts";

const COUNT = 1000;

describe("an offline session's queue", () => {
  let broker: ChildBroker;
  let publisher: net.Socket;

  beforeAll(async () => {
    broker = await ChildBroker.start({ maxQueuedMessages: COUNT });
  });

  afterAll(async () => {
    publisher?.destroy();
    await broker?.close();
  });

  it("holds tiny messages that arrived beside 60 KB ones without pinning their chunks, and delivers them intact", async () => {
    const first = await connectClient(broker.port, { clientId: "offline", clean: false });
    await first.subscribeAsync("tiny", { qos: 1 });
    await first.endAsync();
    const before = await broker.gcSnapshot("offline");
    publisher = await new Promise<net.Socket>((resolve) => {
      const socket = net.connect(broker.port, "127.0.0.1", () => resolve(socket));
    });
    publisher.on("data", () => {});
    publisher.write(Uint8Array.from(connectBytes({ clientId: "tiny-pub" })));
    const filler = Uint8Array.from(publishBytes(4, "nobody", "x".repeat(60_000)));
    for (let i = 0; i < COUNT; i++) {
      publisher.write(Uint8Array.from(publishBytes(4, "tiny", `t${i}`, 1, i + 1)));
      publisher.write(filler);
      if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await until("all queued", async () => (await broker.snapshot("offline")).sessionQueued === COUNT, 20_000);
    const queued = await broker.gcSnapshot("offline");
    // 1,000 chunks of ~64 KB would be ~64 MB; the tiny messages themselves are a few KB.
    expect(queued.memory.arrayBuffers - before.memory.arrayBuffers).toBeLessThan(4 * MB);

    const payloads: string[] = [];
    const again = await connectClient(broker.port, { clientId: "offline", clean: false }, (_topic, payload) => payloads.push(payload.toString()));
    await until("the queue delivered", () => payloads.length >= COUNT, 20_000);
    expect(payloads).toEqual(Array.from({ length: COUNT }, (_, i) => `t${i}`)); // [MQTT-4.6.0-6] in order
    await again.endAsync();
  }, 60_000);
});

describe("an offline session's queue of big messages", () => {
  let broker: ChildBroker;

  beforeAll(async () => {
    broker = await ChildBroker.start();
  });

  afterAll(async () => {
    await broker?.close();
  });

  it("holds at most maxQueuedBytes (64 MiB by default): of ten 16 MiB QoS 1 messages four are queued, six dropped", async () => {
    const first = await connectClient(broker.port, { clientId: "big-offline", clean: false });
    await first.subscribeAsync("big", { qos: 1 });
    await first.endAsync();
    const before = await broker.gcSnapshot("big-offline");
    const publisher = await connectClient(broker.port, { clientId: "big-pub" });
    const payload = Buffer.alloc(16 * MB, 0x5a);
    for (let i = 0; i < 10; i++) {
      payload[0] = i;
      await publisher.publishAsync("big", payload, { qos: 1 });
    }
    await publisher.endAsync();
    const queued = await broker.gcSnapshot("big-offline");
    expect(queued.sessionQueued).toBe(4);
    expect(queued.stats.dropped - before.stats.dropped).toBe(6);
    expect(queued.memory.arrayBuffers - before.memory.arrayBuffers).toBeLessThan(80 * MB);

    const firstBytes: number[] = [];
    const again = await connectClient(broker.port, { clientId: "big-offline", clean: false }, (_topic, p) => firstBytes.push(p[0]!));
    await until("the queue delivered", () => firstBytes.length >= 4, 30_000);
    expect(firstBytes).toEqual([0, 1, 2, 3]);
    await again.endAsync();
  }, 90_000);
});
