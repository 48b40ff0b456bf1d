// Will messages: published on abnormal close, keep-alive timeout and takeover; not after a normal
// DISCONNECT; v5 DISCONNECT 0x04, will delay (and its cancellation by a reconnect), will retain.
import { afterEach, describe, expect, it } from "vitest";
import { Harness, collect, delay, nextMessage } from "../helpers/broker.ts";
import { connectBytes, packet } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

const will = { topic: "will/t", payload: Buffer.from("gone"), qos: 1 as const, retain: false };

/** A raw CONNECT with a QoS 1 will on "will/t" (payload "gone"). */
function connectWithWill(level: 4 | 5, clientId: string, keepAlive = 60, willProperties: number[] = [], properties: number[] = []): Buffer {
  return connectBytes({ level, clientId, keepAlive, properties, will: { qos: 1, topicName: "will/t", payload: "gone", properties: willProperties } });
}

describe.each([4, 5] as const)("protocol %i", (protocolVersion) => {
  it(`${protocolVersion === 5 ? "v5 [MQTT-3.1.2-8]" : "v3.1.1 [MQTT-3.1.2-8]"} the will is published when the connection drops`, async () => {
    await h.start();
    const watcher = await h.connect({ protocolVersion });
    await watcher.subscribeAsync("will/#", { qos: 1 });
    const client = await h.connect({ protocolVersion, will });
    const got = nextMessage(watcher);
    client.stream.destroy();
    const message = await got;
    expect(message.topic).toBe("will/t");
    expect(message.payload.toString()).toBe("gone");
    expect(message.packet.qos).toBe(1);
  });

  it(`${protocolVersion === 5 ? "v5 [MQTT-3.1.2-10]" : "v3.1.1 [MQTT-3.1.2-10]"} a normal DISCONNECT discards the will`, async () => {
    await h.start();
    const watcher = await h.connect({ protocolVersion });
    await watcher.subscribeAsync("will/#", { qos: 1 });
    const client = await h.connect({ protocolVersion, will });
    await client.endAsync();
    expect(await collect(watcher, 300)).toEqual([]);
  });

  it("the will is published after a keep-alive timeout", async () => {
    await h.start();
    const watcher = await h.connect({ protocolVersion });
    await watcher.subscribeAsync("will/#", { qos: 1 });
    const raw = await h.raw();
    raw.send(connectWithWill(protocolVersion, "sleepy", 1));
    await raw.packet();
    const message = await nextMessage(watcher, 4000);
    expect(message.payload.toString()).toBe("gone");
  });

  it("the will is published when the session is taken over", async () => {
    await h.start();
    const watcher = await h.connect({ protocolVersion });
    await watcher.subscribeAsync("will/#", { qos: 1 });
    await h.connect({ protocolVersion, clientId: "dup-id", will });
    const got = nextMessage(watcher);
    await h.connect({ protocolVersion, clientId: "dup-id" });
    expect((await got).payload.toString()).toBe("gone");
  });

  it("a retained will is stored as the retained message", async () => {
    await h.start();
    const client = await h.connect({ protocolVersion, will: { ...will, retain: true } });
    client.stream.destroy();
    await delay(100);
    const late = await h.connect({ protocolVersion });
    const got = nextMessage(late);
    await late.subscribeAsync("will/t", { qos: 1 });
    const message = await got;
    expect(message.payload.toString()).toBe("gone");
    expect(message.packet.retain).toBe(true);
  });
});

describe("v5 will options", () => {
  it("v5 [MQTT-3.1.2-8] DISCONNECT with reason 0x04 (not 0x00) publishes the will", async () => {
    await h.start();
    const watcher = await h.connect({ protocolVersion: 5 });
    await watcher.subscribeAsync("will/#", { qos: 1 });
    const raw = await h.raw();
    raw.send(connectWithWill(5, "with-will"));
    await raw.packet();
    const got = nextMessage(watcher);
    raw.send(packet(0xe0, [0x04, 0x00]));
    expect((await got).payload.toString()).toBe("gone");
  });

  it("v5 the will waits for its Will Delay Interval", async () => {
    await h.start();
    const watcher = await h.connect({ protocolVersion: 5 });
    await watcher.subscribeAsync("will/#", { qos: 1 });
    const raw = await h.raw();
    raw.send(connectWithWill(5, "delayed", 60, [0x18, 0, 0, 0, 1], [0x11, 0, 0, 0, 30]));
    await raw.packet();
    raw.close();
    expect(await collect(watcher, 400)).toEqual([]);
    expect((await nextMessage(watcher, 3000)).payload.toString()).toBe("gone");
  });

  it("v5 [MQTT-3.1.3-9] a reconnect within the Will Delay Interval cancels the will", async () => {
    await h.start();
    const watcher = await h.connect({ protocolVersion: 5 });
    await watcher.subscribeAsync("will/#", { qos: 1 });
    const raw = await h.raw();
    raw.send(connectWithWill(5, "returning", 60, [0x18, 0, 0, 0, 1], [0x11, 0, 0, 0, 30]));
    await raw.packet();
    raw.close();
    await delay(100);
    await h.connect({ protocolVersion: 5, clientId: "returning", clean: false, properties: { sessionExpiryInterval: 30 } });
    expect(await collect(watcher, 1500)).toEqual([]);
  });

  it("v5 a Will Delay Interval beyond setTimeout's 24.8 days holds the will back", async () => {
    await h.start();
    const watcher = await h.connect({ protocolVersion: 5 });
    await watcher.subscribeAsync("will/#", { qos: 1 });
    const raw = await h.raw();
    raw.send(connectWithWill(5, "patient", 60, [0x18, 0x3b, 0x9a, 0xc9, 0xff], [0x11, 0xff, 0xff, 0xff, 0xff])); // 999,999,999 s; session never expires
    await raw.packet();
    raw.close();
    expect(await collect(watcher, 400)).toEqual([]);
  });

  it("v5 the will goes out when the session expires before the will delay", async () => {
    await h.start();
    const watcher = await h.connect({ protocolVersion: 5 });
    await watcher.subscribeAsync("will/#", { qos: 1 });
    const raw = await h.raw();
    raw.send(connectWithWill(5, "short", 60, [0x18, 0, 0, 0, 100], [0x11, 0, 0, 0, 1]));
    await raw.packet();
    raw.close();
    expect((await nextMessage(watcher, 3000)).payload.toString()).toBe("gone");
  });
});
