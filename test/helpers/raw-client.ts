// A bare TCP client for exact-byte tests: send bytes, read whole MQTT packets back, see the close.
import net from "node:net";
import { PacketReader } from "./packet-reader.ts";

export class RawClient extends PacketReader {
  private constructor(private readonly socket: net.Socket) {
    super();
    socket.on("data", (chunk: Buffer) => this.received(chunk));
    socket.on("error", () => {});
    socket.on("close", () => this.ended());
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

  /** Resolves true when the server closes the connection within `timeoutMs` (data before the close is kept). */
  waitClosed(timeoutMs = 3000): Promise<boolean> {
    return this.closedWithin(timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
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
