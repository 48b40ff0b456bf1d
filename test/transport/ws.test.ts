// MQTT over WebSocket (uWebSockets.js) with real clients: mqtt.js over ws://, a raw `ws` client splitting
// and coalescing packets across frames, subprotocol negotiation, text frames, paths, and backpressure.
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { createBroker, type Broker, type BrokerOptions, type ClientInfo } from "../../host/index.ts";
import { packet, str, u16 } from "../helpers/packets.ts";
import { RawWsClient } from "../helpers/ws-client.ts";

let broker: Broker | undefined;
const opened: RawWsClient[] = [];
afterEach(async () => {
  for (const client of opened.splice(0)) client.close();
  await broker?.close();
  broker = undefined;
});

async function start(options: Partial<BrokerOptions> = {}, path?: string | string[]): Promise<string> {
  broker = await createBroker({ listeners: [{ type: "ws", port: 0, ...(path === undefined ? {} : { path }) }], ...options });
  const { port } = await broker.listen();
  return `ws://127.0.0.1:${port}`;
}

async function open(url: string, protocols?: string[]): Promise<RawWsClient> {
  const client = await RawWsClient.upgrade(url, protocols);
  opened.push(client);
  return client;
}

/** 3.1.1 CONNECT, clean session, keep-alive 60. */
const connect = (clientId: string) => packet(0x10, str("MQTT"), [4, 0x02], u16(60), str(clientId));
const CONNACK = [0x20, 0x02, 0x00, 0x00];

describe("MQTT over WebSocket", () => {
  it("[MQTT-6.0.0-4] negotiates the mqtt subprotocol and serves mqtt.js (QoS 1 round trip)", async () => {
    const url = await start();
    const client = mqtt.connect(`${url}/mqtt`, { reconnectPeriod: 0 });
    try {
      await new Promise((resolve, reject) => { client.once("connect", resolve); client.once("error", reject); });
      const got = new Promise<Buffer>((resolve) => client.on("message", (_t, payload) => resolve(payload)));
      await client.subscribeAsync("ws/echo", { qos: 1 });
      await client.publishAsync("ws/echo", Buffer.alloc(100_000, 9), { qos: 1 });
      expect((await got).equals(Buffer.alloc(100_000, 9))).toBe(true);
    } finally {
      client.end(true);
    }
  });

  it("accepts mqttv3.1 as the subprotocol of MQTT 3.1 clients", async () => {
    const client = await open(`${await start()}/mqtt`, ["mqttv3.1"]);
    expect(client.protocol).toBe("mqttv3.1");
    client.send(packet(0x10, str("MQIsdp"), [3, 0x02], u16(60), str("old")));
    expect([...await client.packet()]).toEqual(CONNACK);
  });

  it("[MQTT-6.0.0-3] refuses an upgrade whose client does not offer subprotocol mqtt: HTTP 400, saying why", async () => {
    const url = await start();
    for (const protocols of [["chat"], []]) {
      const refused = await RawWsClient.upgrade(`${url}/mqtt`, protocols).then(() => undefined, (error: { status: number; body: string }) => error);
      expect(refused?.status).toBe(400);
      expect(refused?.body).toMatch(/subprotocol mqtt/);
    }
    expect(broker!.stats.transportRefused).toBe(2);
  });

  it("serves the configured paths only (404 elsewhere)", async () => {
    const url = await start({}, ["/a", "/b/c"]);
    for (const path of ["/a", "/b/c"]) {
      const client = await open(`${url}${path}`);
      client.send(connect(`p${path.length}`));
      expect([...await client.packet()]).toEqual(CONNACK);
    }
    const refused = await RawWsClient.upgrade(`${url}/mqtt`).then(() => undefined, (error: { status: number }) => error);
    expect(refused?.status).toBe(404);
  });

  it("gives the client record the transport kind and the address, IPv6 in its short form", async () => {
    const seen: ClientInfo[] = [];
    broker = await createBroker({ listeners: [{ type: "ws", host: "::1", port: 0 }], hooks: { authenticate: ({ client }) => { seen.push(client); return true; } } });
    const { port } = await broker.listen();
    const client = await open(`ws://[::1]:${port}/mqtt`);
    client.send(connect("six"));
    expect([...await client.packet()]).toEqual(CONNACK);
    expect(seen[0]).toMatchObject({ clientId: "six", transport: "ws", remoteAddress: "::1" });
  });

  it("[MQTT-6.0.0-2] reassembles a CONNECT sent one byte a frame", async () => {
    const client = await open(`${await start()}/mqtt`);
    for (const byte of connect("split")) client.send([byte]);
    expect([...await client.packet()]).toEqual(CONNACK);
  });

  it("[MQTT-6.0.0-2] reads several packets from one frame: CONNECT, SUBSCRIBE and PUBLISH coalesced", async () => {
    const client = await open(`${await start()}/mqtt`);
    const subscribe = packet(0x82, u16(1), str("c/1"), [0]);
    const publish = packet(0x30, str("c/1"), [...Buffer.from("hi")]);
    client.send([...connect("coalesced"), ...subscribe, ...publish]);
    expect([...await client.packet()]).toEqual(CONNACK);
    expect([...await client.packet()]).toEqual([0x90, 0x03, 0x00, 0x01, 0x00]);
    expect([...await client.packet()]).toEqual([...publish]);
  });

  it("[MQTT-6.0.0-1] closes the connection on a text frame (close code 1003) and counts it", async () => {
    const client = await open(`${await start()}/mqtt`);
    client.send(connect("text"));
    expect([...await client.packet()]).toEqual(CONNACK);
    client.sendText("\u0030\u0000");
    expect(await client.closedWith()).toBe(1003);
    expect(broker!.stats.transportRefused).toBe(1);
    for (let i = 0; i < 20 && broker!.stats.connections > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(broker!.stats.connections).toBe(0);
  });

  it("holds a subscriber that stops reading as congested: QoS 1 messages wait in its bounded queue, then flow", async () => {
    const url = await start({ maxQueuedMessages: 20 });
    const subscriber = await open(`${url}/mqtt`);
    // v5 with Receive Maximum 65535: only congestion, not the inflight window, can hold messages back.
    subscriber.send(packet(0x10, str("MQTT"), [5, 0x02], u16(0), [3, 0x21, ...u16(65_535)], str("slow")));
    const connack = await subscriber.packet();
    expect([connack[0], connack[3]]).toEqual([0x20, 0x00]);
    subscriber.send(packet(0x82, u16(1), [0], str("bulk"), [1]));
    expect([...await subscriber.packet()]).toEqual([0x90, 0x04, 0x00, 0x01, 0x00, 0x01]);
    subscriber.pauseReading();
    const publisher = await open(`${url}/mqtt`);
    publisher.send(connect("fast"));
    await publisher.packet();
    const publish = Buffer.from(packet(0x32, str("bulk"), u16(0), new Array<number>(32 * 1024).fill(1)));
    for (let i = 1; i <= 400; i++) { // 12.8 MiB at QoS 1
      publish.writeUInt16BE(i, publish.length - 32 * 1024 - 2);
      publisher.send(publish);
    }
    for (let i = 0; i < 100 && broker!.stats.messagesIn < 400; i++) await new Promise((r) => setTimeout(r, 50));
    const { messagesIn, messagesOut, dropped } = broker!.stats;
    expect(messagesIn).toBe(400);
    // The kernel's loopback buffers take a few MiB, then uWS buffers past the high-water mark: congested. The
    // session queue takes 20 more; the rest are dropped and counted (with no congestion all 400 would go out).
    expect(messagesOut).toBeLessThan(300);
    expect(dropped).toBe(400 - messagesOut - 20);
    subscriber.resumeReading();
    const first = await subscriber.packet(5000);
    expect(first[0]! & 0xf6).toBe(0x32);
    for (let i = 0; i < 100 && broker!.stats.messagesOut < messagesOut + 20; i++) await new Promise((r) => setTimeout(r, 50));
    expect(broker!.stats.messagesOut).toBe(messagesOut + 20); // drained: the queue followed
  });
});
