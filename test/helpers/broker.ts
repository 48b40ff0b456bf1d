// Test harness: a broker on 127.0.0.1:0, mqtt.js clients against it, bounded waits, and one close()
// for everything a test opened (call it in afterEach).
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from "mqtt";
import { createBroker, type Broker, type BrokerOptions } from "../../host/index.ts";
import { RawClient } from "./raw-client.ts";

export interface Received {
  topic: string;
  payload: Buffer;
  packet: IPublishPacket;
}

export class Harness {
  broker!: Broker;
  port = 0;
  /** The HTTP listener's port, 0 when there is none. */
  httpPort = 0;
  private readonly clients: MqttClient[] = [];
  private readonly raws: RawClient[] = [];

  async start(options: Partial<BrokerOptions> = {}): Promise<Broker> {
    this.broker = await createBroker({ tcp: { host: "127.0.0.1", port: 0 }, ...options });
    const address = await this.broker.listen();
    this.port = address.port;
    this.httpPort = address.http?.port ?? 0;
    return this.broker;
  }

  /** A connected mqtt.js client (no automatic reconnect); rejects on refusal or after 5 s. */
  async connect(options: IClientOptions = {}): Promise<MqttClient> {
    const client = this.client(options);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("connect timeout")), 5000);
      client.once("connect", () => { clearTimeout(timer); resolve(); });
      client.once("error", (error) => { clearTimeout(timer); reject(error); });
    });
    return client;
  }

  /** An mqtt.js client, not yet connected. */
  client(options: IClientOptions = {}): MqttClient {
    const client = mqtt.connect({
      host: "127.0.0.1", port: this.port, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...options,
    });
    client.on("error", () => {});
    this.clients.push(client);
    return client;
  }

  async raw(): Promise<RawClient> {
    const raw = await RawClient.open(this.port);
    this.raws.push(raw);
    return raw;
  }

  async close(): Promise<void> {
    for (const raw of this.raws) raw.close();
    await Promise.all(this.clients.map((client) => client.endAsync(true).catch(() => {})));
    this.clients.length = 0;
    this.raws.length = 0;
    await this.broker?.close();
  }
}

/** Collects the next `count` messages a client receives; rejects after `timeoutMs`. */
export function messages(client: MqttClient, count: number, timeoutMs = 3000): Promise<Received[]> {
  return new Promise((resolve, reject) => {
    const got: Received[] = [];
    const timer = setTimeout(() => {
      client.off("message", onMessage);
      reject(new Error(`expected ${count} messages, got ${got.length}`));
    }, timeoutMs);
    function onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
      got.push({ topic, payload, packet });
      if (got.length < count) return;
      clearTimeout(timer);
      client.off("message", onMessage);
      resolve(got);
    }
    client.on("message", onMessage);
  });
}

export async function nextMessage(client: MqttClient, timeoutMs = 3000): Promise<Received> {
  return (await messages(client, 1, timeoutMs))[0]!;
}

/** Resolves with what arrived within `ms` (to assert that nothing, or nothing more, arrives). */
export function collect(client: MqttClient, ms: number): Promise<Received[]> {
  return new Promise((resolve) => {
    const got: Received[] = [];
    const onMessage = (topic: string, payload: Buffer, packet: IPublishPacket) => got.push({ topic, payload, packet });
    client.on("message", onMessage);
    setTimeout(() => { client.off("message", onMessage); resolve(got); }, ms);
  });
}

/** Resolves when `event` fires on the emitter; rejects after `timeoutMs`. */
export function once<T = unknown>(emitter: { once(event: string, fn: (...args: any[]) => void): unknown }, event: string, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (value: T) => { clearTimeout(timer); resolve(value); });
  });
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
