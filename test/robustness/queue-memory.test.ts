// What a session keeps beyond the current chunk (its offline queue, its in-flight window) owns its bytes:
// 1,000 tiny QoS 1 messages queued for an offline session must not pin the 64 KB read chunks they came in.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBroker, MB, connectClient, until } from "../helpers/child-broker.ts";
import { connectBytes, publishBytes } from "../helpers/raw-client.ts";

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
