// Packets over 64 KiB through a real socket: gathered into one buffer of their length and framed from their
// head (connection.ts, Codec.frameHead), so the payload never enters Wasm memory; bytes behind them are framed
// as usual; a head (or a non-PUBLISH packet) over HEAD_BYTES is refused as too large.
import { afterEach, describe, expect, it } from "vitest";
import { HEAD_BYTES } from "../helpers/codec.ts";
import { H_INBOX_CAPACITY } from "../../host/core/layout.ts";
import type { Transport, TransportSink } from "../../host/transport/transport.ts";
import { Harness, messages, nextMessage } from "../helpers/broker.ts";
import { connectBytes, pingreq, props, publish, publishBytes, str, subscribe, varint } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A PUBLISH with `payloadLength` bytes of payload, built as one Buffer (fast for megabytes). */
function bigPublish(level: number, topicName: string, payloadLength: number, qos: number, packetId: number, properties: number[] = []): Buffer {
  const head = [...str(topicName), ...(qos > 0 ? [packetId >> 8, packetId & 0xff] : []),
    ...(level === 5 ? [...varint(properties.length), ...properties] : [])];
  const fixed = [0x30 | (qos << 1), ...varint(head.length + payloadLength)];
  const out = Buffer.alloc(fixed.length + head.length + payloadLength);
  Buffer.from([...fixed, ...head]).copy(out);
  for (let i = fixed.length + head.length; i < out.length; i++) out[i] = i & 0xff;
  return out;
}

/** A transport that delivers what the test hands it as single chunks (as a WebSocket message would arrive) and keeps what is written. */
class ChunkTransport implements Transport {
  readonly kind = "ws";
  readonly remoteAddress = "test";
  readonly written: Buffer[] = [];
  writableLength = 0;
  ended = false;
  sink!: TransportSink;
  bind(sink: TransportSink): void { this.sink = sink; }
  write(buf: Uint8Array): boolean { this.written.push(Buffer.from(buf)); return true; }
  writev(bufs: Uint8Array[]): boolean { for (const b of bufs) this.write(b); return true; }
  pause(): void {}
  resume(): void {}
  end(): void { this.ended = true; this.sink.onClose(); }
  destroy(): void { this.end(); }
}

describe("big packets", () => {
  it("a 3 MB QoS 1 PUBLISH sent in odd pieces, a PINGREQ behind it in the last piece: delivered whole, acknowledged, answered", async () => {
    const broker = await h.start();
    const memoryBefore = broker.core.memory.buffer.byteLength;
    const sub = await h.connect({ clientId: "big-sub" });
    await sub.subscribeAsync("big", { qos: 1 });
    const raw = await h.raw();
    raw.send(connectBytes({ clientId: "big-pub" }));
    expect((await raw.packet())[0]).toBe(0x20);
    const big = bigPublish(4, "big", 3 << 20, 1, 9);
    const bytes = Buffer.concat([big, pingreq()]);
    const got = nextMessage(sub, 10_000);
    for (const [from, to] of [[0, 3], [3, 70_000], [70_000, 1_500_001], [1_500_001, bytes.length]] as const) {
      raw.send(bytes.subarray(from, to));
      await delay(20);
    }
    expect([...await raw.packet()]).toEqual([0x40, 2, 0, 9]); // [MQTT-4.3.2-2] PUBACK
    expect([...await raw.packet()]).toEqual([0xd0, 0]); // [MQTT-3.12.4-1] PINGRESP
    const message = await got;
    expect(message.payload.equals(big.subarray(big.length - (3 << 20)))).toBe(true);
    expect(broker.core.memory.buffer.byteLength).toBe(memoryBefore);
    expect(broker.core.header(H_INBOX_CAPACITY)).toBeLessThanOrEqual(HEAD_BYTES);
  });

  it("v5 a PUBLISH whose properties reach past HEAD_BYTES gets DISCONNECT 0x95 (Packet too large) and a close", async () => {
    const broker = await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5, clientId: "big-props" }));
    expect((await raw.packet())[0]).toBe(0x20);
    const pair = [0x26, ...str("k"), ...str("v".repeat(60_000))];
    const properties = Array.from({ length: 20 }, () => pair).flat();
    const big = bigPublish(5, "big", 100, 0, 0, properties);
    expect(big.length).toBeGreaterThan(HEAD_BYTES);
    raw.send(big);
    const disconnect = await raw.packet(10_000);
    expect(disconnect[0]).toBe(0xe0);
    expect(disconnect[2]).toBe(0x95);
    expect(await raw.waitClosed()).toBe(true);
    expect(broker.stats.protocolErrors).toBe(1);
  });

  it("v5 a SUBSCRIBE longer than HEAD_BYTES gets DISCONNECT 0x95 (Packet too large)", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5, clientId: "big-sub" }));
    expect((await raw.packet())[0]).toBe(0x20);
    const pair = [0x26, ...str("k"), ...str("v".repeat(60_000))];
    const properties = Array.from({ length: 20 }, () => pair).flat();
    raw.send(subscribe(5, 1, [["a/b", 1]], props(properties)));
    const disconnect = await raw.packet(10_000);
    expect(disconnect[0]).toBe(0xe0);
    expect(disconnect[2]).toBe(0x95);
  });

  it("one 4 MB chunk holding CONNECT, small PUBLISHes, a 3 MB PUBLISH and a PINGREQ: all handled, only HEAD_BYTES at a time in the core", async () => {
    const broker = await h.start();
    const memoryBefore = broker.core.memory.buffer.byteLength;
    const sub = await h.connect({ clientId: "chunk-sub" });
    await sub.subscribeAsync("c/#", { qos: 1 });
    const small = (i: number) => publish(4, { topic: "c/small", qos: 1, packetId: i, payload: Buffer.alloc(2000, i) });
    const smalls = Array.from({ length: 600 }, (_, i) => small(1 + (i % 200))); // 1.2 MB of small packets before the big one
    const big = bigPublish(4, "c/big", 3 << 20, 1, 201);
    const chunk = Buffer.concat([Buffer.from(connectBytes({ clientId: "chunk-pub" })), ...smalls, big, pingreq()]);
    expect(chunk.length).toBeGreaterThan(HEAD_BYTES * 3);
    const got: Buffer[] = [];
    sub.on("message", (_topic, payload) => got.push(payload));
    const transport = new ChunkTransport();
    broker.accept(transport);
    transport.sink.onData(chunk);
    await delay(10);
    const replies = Buffer.concat(transport.written);
    expect(replies[0]).toBe(0x20); // CONNACK
    const acks = replies.subarray(4, replies.length - 2);
    expect(acks.length).toBe((smalls.length + 1) * 4); // [MQTT-4.3.2-2] one PUBACK each
    expect([...acks.subarray(acks.length - 4)]).toEqual([0x40, 2, 0, 201]);
    expect([...replies.subarray(replies.length - 2)]).toEqual([0xd0, 0]); // [MQTT-3.12.4-1]
    for (let i = 0; i < 100 && got.length < smalls.length + 1; i++) await delay(50);
    expect(got.length).toBe(smalls.length + 1);
    expect(got[got.length - 1]!.equals(big.subarray(big.length - (3 << 20)))).toBe(true);
    expect(broker.core.memory.buffer.byteLength).toBe(memoryBefore);
    expect(broker.core.header(H_INBOX_CAPACITY)).toBeLessThanOrEqual(HEAD_BYTES);
    expect(transport.ended).toBe(false);
  }, 30_000);

  it("a big PUBLISH held by an async authorizePublish: the bytes behind it in the same chunk wait, then are handled in order", async () => {
    let allow!: () => void;
    const decided = new Promise<void>((resolve) => { allow = resolve; });
    const broker = await h.start({ hooks: { authorizePublish: async (event) => { if (event.topicName === "c/big") await decided; return true; } } });
    const sub = await h.connect({ clientId: "held-sub" });
    await sub.subscribeAsync("c/#", { qos: 1 });
    const got = messages(sub, 2, 10_000);
    const big = bigPublish(4, "c/big", 2 << 20, 1, 7);
    const after = Buffer.concat([publishBytes(4, "c/after", "after", 1, 8), pingreq()]);
    const transport = new ChunkTransport();
    broker.accept(transport);
    transport.sink.onData(Buffer.concat([Buffer.from(connectBytes({ clientId: "held-pub" })), big.subarray(0, 100_000)]));
    transport.sink.onData(Buffer.concat([big.subarray(100_000), after]));
    await delay(20);
    expect(Buffer.concat(transport.written).length).toBe(4); // CONNACK only: the hook is still deciding
    allow();
    await delay(20);
    expect([...Buffer.concat(transport.written).subarray(4)]).toEqual([0x40, 2, 0, 7, 0x40, 2, 0, 8, 0xd0, 0]);
    const [first, second] = await got;
    expect(first!.topic).toBe("c/big");
    expect(first!.payload.equals(big.subarray(big.length - (2 << 20)))).toBe(true);
    expect(second!.payload.toString()).toBe("after"); // [MQTT-4.6.0-6] in order
  });
});
