// A bare TCP client for exact-byte tests: send bytes, read whole MQTT packets back, see the close.
import net from "node:net";

export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiter?.();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  send(bytes: number[] | Uint8Array): void {
    this.socket.write(Uint8Array.from(bytes));
  }

  /** The next whole packet's bytes; rejects on close or after `timeoutMs`. */
  async packet(timeoutMs = 3000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const length = packetLength(this.buffered);
      if (length > 0 && this.buffered.length >= length) {
        const packet = this.buffered.subarray(0, length);
        this.buffered = this.buffered.subarray(length);
        return Buffer.from(packet);
      }
      if (this.closed) throw new Error("connection closed");
      await this.wait(deadline);
    }
  }

  /** Resolves true when the server closes the connection within `timeoutMs` (data before the close is kept). */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() >= deadline) return false;
      await this.wait(deadline).catch(() => {});
    }
    return true;
  }

  private wait(deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiter = undefined; reject(new Error("timeout waiting for bytes")); }, Math.max(0, deadline - Date.now()));
      this.waiter = () => { clearTimeout(timer); this.waiter = undefined; resolve(); };
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Total length of the packet at the start of `bytes`, or 0 when its fixed header is incomplete. */
export function packetLength(bytes: Buffer): number {
  let remaining = 0;
  for (let i = 1; i <= 4; i++) {
    if (bytes.length <= i) return 0;
    const b = bytes[i]!;
    remaining += (b & 0x7f) * 128 ** (i - 1);
    if ((b & 0x80) === 0) return 1 + i + remaining;
  }
  return 0;
}

/** A variable byte integer. */
export function varint(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/** A UTF-8 string with its 2-byte length. */
export function str(value: string): number[] {
  const bytes = [...Buffer.from(value, "utf8")];
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

/** A packet from its first byte and body (the remaining length is computed). */
export function packet(first: number, body: number[]): number[] {
  return [first, ...varint(body.length), ...body];
}

export interface ConnectFields {
  level?: 3 | 4 | 5 | number;
  clientId?: string;
  cleanStart?: boolean;
  keepAlive?: number;
  /** v5 CONNECT properties, already encoded (without their length). */
  properties?: number[];
  /** A will (topic "w" and payload "bye" unless given; v5 will properties encoded, without their length). */
  will?: { qos: number; retain?: boolean; topicName?: string; payload?: string; properties?: number[] };
}

/** CONNECT bytes for level 3 (MQIsdp), 4 or 5. */
export function connectBytes({ level = 4, clientId = "raw", cleanStart = true, keepAlive = 60, properties = [], will }: ConnectFields = {}): number[] {
  const name = level === 3 ? str("MQIsdp") : str("MQTT");
  const props = level === 5 ? [...varint(properties.length), ...properties] : [];
  let flags = cleanStart ? 0x02 : 0x00;
  let willFields: number[] = [];
  if (will !== undefined) {
    flags |= 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0);
    const willProps = level === 5 ? [...varint(will.properties?.length ?? 0), ...(will.properties ?? [])] : [];
    willFields = [...willProps, ...str(will.topicName ?? "w"), ...str(will.payload ?? "bye")];
  }
  return packet(0x10, [...name, level, flags, keepAlive >> 8, keepAlive & 0xff, ...props, ...str(clientId), ...willFields]);
}

/** PUBLISH bytes (v5 with an empty property list unless given). */
export function publishBytes(level: number, topicName: string, payload: string, qos = 0, packetId = 0, properties: number[] = [], flags = 0): number[] {
  const id = qos > 0 ? [packetId >> 8, packetId & 0xff] : [];
  const props = level === 5 ? [...varint(properties.length), ...properties] : [];
  return packet(0x30 | (qos << 1) | flags, [...str(topicName), ...id, ...props, ...Buffer.from(payload)]);
}

/** SUBSCRIBE bytes for one filter with its options byte. */
export function subscribeBytes(level: number, packetId: number, topicFilter: string, options: number, properties: number[] = []): number[] {
  const props = level === 5 ? [...varint(properties.length), ...properties] : [];
  return packet(0x82, [packetId >> 8, packetId & 0xff, ...props, ...str(topicFilter), options]);
}
