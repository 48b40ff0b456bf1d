// Large and empty payloads through a broker in a child process: 1 MB, 16 MB and 200 MB round trips at
// QoS 0 and 1 checked by hash, 0-byte payloads at every QoS, and an oversize packet refused from its fixed header.
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBroker, MB, connectClient } from "../helpers/child-broker.ts";
import { PublishStream, writePublish } from "../helpers/publish-stream.ts";
import { RawClient } from "../helpers/raw-client.ts";
import { T, ack, connectBytes, subscribeBytes, varint } from "../helpers/packets.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("large payloads", () => {
  let broker: ChildBroker;
  let publisher: MqttClient;
  let subscriber: MqttClient;
  const data = randomBytes(200 * MB);
  let dataSha256: string | undefined;
  let baseline: Awaited<ReturnType<ChildBroker["gcSnapshot"]>>;

  beforeAll(async () => {
    broker = await ChildBroker.start();
    baseline = await broker.gcSnapshot();
    publisher = await connectClient(broker.port, { clientId: "big-pub" });
    subscriber = await connectClient(broker.port, { clientId: "big-sub" });
  });

  afterAll(async () => {
    await Promise.all([publisher?.endAsync(true), subscriber?.endAsync(true)]);
    await broker?.close();
  });

  /** Publishes `payload` at `qos` and resolves with what the subscriber received on that topic. */
  async function roundTrip(topic: string, payload: Buffer, qos: 0 | 1 | 2, timeoutMs: number): Promise<{ payload: Buffer; qos: number }> {
    await subscriber.subscribeAsync(topic, { qos });
    const received = new Promise<{ payload: Buffer; qos: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${topic}`)), timeoutMs);
      subscriber.on("message", function onMessage(t, p, packet) {
        if (t !== topic) return;
        clearTimeout(timer);
        subscriber.off("message", onMessage);
        resolve({ payload: p, qos: packet.qos });
      });
    });
    await publisher.publishAsync(topic, payload, { qos });
    const result = await received;
    await subscriber.unsubscribeAsync(topic);
    return result;
  }

  it("three 16 MB PUBLISHes at QoS 0 sent back to back all reach a subscriber that keeps reading", async () => {
    const topic = "big/burst";
    await subscriber.subscribeAsync(topic, { qos: 0 });
    const hashes: string[] = [];
    const all = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${hashes.length} of 3 arrived`)), 45_000);
      subscriber.on("message", function onMessage(t, p) {
        if (t !== topic) return;
        hashes.push(sha256(p));
        if (hashes.length === 3) { clearTimeout(timer); subscriber.off("message", onMessage); resolve(); }
      });
    });
    const payloads = [0, 1, 2].map((i) => data.subarray(i * 16 * MB, (i + 1) * 16 * MB));
    for (const payload of payloads) publisher.publish(topic, payload, { qos: 0 });
    await all;
    await subscriber.unsubscribeAsync(topic);
    expect(hashes).toEqual(payloads.map(sha256));
  }, 60_000);

  for (const size of [1, 16]) {
    for (const qos of [0, 1] as const) {
      it(`a ${size} MB PUBLISH at QoS ${qos} arrives whole (sha-256)`, async () => {
        const payload = data.subarray(0, size * MB);
        const got = await roundTrip(`big/${size}/${qos}`, payload, qos, 30_000);
        expect(got.payload.length).toBe(payload.length);
        expect(sha256(got.payload)).toBe(sha256(payload));
        expect(got.qos).toBe(qos);
        expect(broker.alive).toBe(true);
      }, 60_000);
    }
  }

  /** A raw 3.1.1 client past CONNACK whose packets other than PUBLISH land in `packets`. */
  async function rawClient(clientId: string): Promise<{ socket: net.Socket; stream: PublishStream; packet: () => Promise<Buffer> }> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(broker.port, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
    const packets: Buffer[] = [];
    let wake: (() => void) | undefined;
    const stream = new PublishStream(socket, (packet) => { packets.push(packet); wake?.(); });
    const packet = async () => {
      const deadline = Date.now() + 30_000;
      while (packets.length === 0) {
        if (Date.now() > deadline) throw new Error("no packet");
        await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, 100); });
      }
      return packets.shift()!;
    };
    socket.write(Uint8Array.from(connectBytes({ clientId })));
    expect((await packet())[0]).toBe(0x20);
    return { socket, stream, packet };
  }

  for (const qos of [0, 1] as const) {
    it(`a 200 MB PUBLISH at QoS ${qos} arrives whole (raw sockets, sha-256 while streaming)`, async () => {
      const sub = await rawClient(`raw-sub-${qos}`);
      const pub = await rawClient(`raw-pub-${qos}`);
      try {
        sub.socket.write(Uint8Array.from(subscribeBytes(4, 1, "big/raw", qos)));
        expect((await sub.packet())[0]).toBe(0x90);
        const arrived = sub.stream.next(60_000);
        writePublish(pub.socket, "big/raw", data, qos, 7);
        if (qos === 1) expect([...await pub.packet()]).toEqual([0x40, 2, 0, 7]); // [MQTT-4.3.2-2] PUBACK
        const got = await arrived;
        if (qos === 1) sub.socket.write(Uint8Array.from(ack(T.PUBACK, 4, got.packetId)));
        expect(got.topicName).toBe("big/raw");
        expect((got.first >> 1) & 3).toBe(qos);
        expect(got.payloadLength).toBe(data.length);
        expect(got.sha256).toBe(dataSha256 ??= sha256(data));
        expect(broker.alive).toBe(true);
      } finally {
        sub.socket.destroy();
        pub.socket.destroy();
      }
    }, 90_000);
  }

  it("after the 200 MB round trips Wasm memory stays under 64 MB and RSS falls back near where it started", async () => {
    const after = await broker.gcSnapshot();
    expect(after.wasmBytes, "Wasm memory, bytes").toBeLessThan(64 * MB);
    expect(after.memory.rss - baseline.memory.rss, "RSS growth, bytes").toBeLessThan(64 * MB);
  });

  for (const qos of [0, 1, 2] as const) {
    it(`a 0-byte payload at QoS ${qos} arrives as 0 bytes`, async () => {
      const got = await roundTrip(`empty/${qos}`, Buffer.alloc(0), qos, 5000);
      expect(got.payload.length).toBe(0);
      expect(got.qos).toBe(qos);
    });
  }
});

describe("a packet over maxPacketSize", () => {
  let broker: ChildBroker;
  const raws: RawClient[] = [];

  beforeAll(async () => {
    broker = await ChildBroker.start({ maxPacketSize: MB });
  });

  afterAll(async () => {
    for (const raw of raws) raw.close();
    await broker?.close();
  });

  /** A raw client past CONNACK at `level`, then the fixed header of a 200 MB PUBLISH and its first bytes. */
  async function sendOversize(level: 4 | 5): Promise<RawClient> {
    const raw = await RawClient.open(broker.port);
    raws.push(raw);
    raw.send(connectBytes({ level, clientId: `oversize-${level}` }));
    expect((await raw.packet())[0]).toBe(0x20);
    raw.send([0x30, ...varint(200 * MB), 0x00, 0x03, 0x61, 0x2f, 0x62, 0x01, 0x02, 0x03]);
    return raw;
  }

  it("v5 [MQTT-3.2.2-15] [MQTT-4.13.1-1] is refused from its fixed header with DISCONNECT 0x95, nothing buffered", async () => {
    const before = await broker.gcSnapshot();
    const raw = await sendOversize(5);
    const disconnect = await raw.packet();
    expect(disconnect[0]).toBe(0xe0);
    expect(disconnect[2]).toBe(0x95);
    expect(await raw.waitClosed()).toBe(true);
    const after = await broker.gcSnapshot();
    expect(after.memory.rss - before.memory.rss).toBeLessThan(20 * MB);
    expect(after.wasmBytes).toBe(before.wasmBytes);
    expect(after.stats.protocolErrors).toBe(before.stats.protocolErrors + 1);
  });

  it("v3.1.1 is refused from its fixed header by closing the connection, nothing buffered", async () => {
    const before = await broker.gcSnapshot();
    const raw = await sendOversize(4);
    expect(await raw.waitClosed()).toBe(true);
    await expect(raw.packet(100)).rejects.toThrow();
    const after = await broker.gcSnapshot();
    expect(after.memory.rss - before.memory.rss).toBeLessThan(20 * MB);
    expect(after.wasmBytes).toBe(before.wasmBytes);
    expect(after.stats.protocolErrors).toBe(before.stats.protocolErrors + 1);
  });
});

describe("a first packet (CONNECT) over 1 MiB", () => {
  let broker: ChildBroker;
  let raw: RawClient | undefined;

  beforeAll(async () => {
    broker = await ChildBroker.start();
  });

  afterAll(async () => {
    raw?.close();
    await broker?.close();
  });

  it("is refused from its fixed header before the client is accepted, even under the default maxPacketSize", async () => {
    const before = await broker.gcSnapshot();
    raw = await RawClient.open(broker.port);
    raw.send([0x10, ...varint(100 * MB), 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54]);
    expect(await raw.waitClosed()).toBe(true);
    const after = await broker.gcSnapshot();
    expect(after.stats.protocolErrors).toBe(before.stats.protocolErrors + 1);
    expect(after.connections).toBe(0);
  });
});
