// Big PUBLISH packets over a raw socket without holding them: send one from a header and a payload
// buffer, and receive one hashing its payload as it streams in (for payloads of hundreds of MB).
import { createHash } from "node:crypto";
import net from "node:net";
import { str, varint } from "./packets.ts";

export interface StreamedPublish {
  first: number;
  topicName: string;
  packetId: number;
  payloadLength: number;
  sha256: string;
}

/** Writes a 3.1.1 PUBLISH (QoS 0 or 1) of `payload` without copying it. */
export function writePublish(socket: net.Socket, topicName: string, payload: Uint8Array, qos: 0 | 1, packetId = 1): void {
  const variable = [...str(topicName), ...(qos > 0 ? [packetId >> 8, packetId & 0xff] : [])];
  socket.write(Uint8Array.from([0x30 | (qos << 1), ...varint(variable.length + payload.length), ...variable]));
  socket.write(payload);
}

/** Reads packets off `socket`: small ones are handed to `onPacket` whole; one PUBLISH has its payload hashed in flight. */
export class PublishStream {
  private pending: Buffer = Buffer.alloc(0);
  private hash: ReturnType<typeof createHash> | undefined;
  private left = 0;
  private current: Omit<StreamedPublish, "sha256"> | undefined;
  private resolve: ((publish: StreamedPublish) => void) | undefined;

  constructor(socket: net.Socket, private readonly onPacket: (packet: Buffer) => void = () => {}) {
    socket.on("data", (chunk: Buffer) => this.feed(chunk));
  }

  /** The next PUBLISH to arrive, its payload hashed. */
  next(timeoutMs: number): Promise<StreamedPublish> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no PUBLISH arrived")), timeoutMs);
      this.resolve = (publish) => { clearTimeout(timer); resolve(publish); };
    });
  }

  private feed(chunk: Buffer): void {
    if (this.hash !== undefined) {
      const take = Math.min(this.left, chunk.length);
      this.hash.update(chunk.subarray(0, take));
      this.left -= take;
      if (this.left === 0) this.finish();
      if (take === chunk.length) return;
      chunk = chunk.subarray(take);
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.parse();
  }

  private parse(): void {
    for (;;) {
      const bytes = this.pending;
      let remaining = 0, at = 1;
      for (; at <= 4 && at < bytes.length; at++) {
        remaining += (bytes[at]! & 0x7f) * 128 ** (at - 1);
        if ((bytes[at]! & 0x80) === 0) break;
      }
      if (at >= bytes.length || at > 4) return;
      const headerLength = at + 1;
      if (bytes[0]! >> 4 !== 3) {
        if (bytes.length < headerLength + remaining) return;
        this.onPacket(Buffer.from(bytes.subarray(0, headerLength + remaining)));
        this.pending = bytes.subarray(headerLength + remaining);
        continue;
      }
      const qos = (bytes[0]! >> 1) & 3;
      if (bytes.length < headerLength + 2) return;
      const topicLength = bytes.readUInt16BE(headerLength);
      const variableLength = 2 + topicLength + (qos > 0 ? 2 : 0);
      if (bytes.length < headerLength + variableLength) return;
      const topicName = bytes.toString("utf8", headerLength + 2, headerLength + 2 + topicLength);
      const packetId = qos > 0 ? bytes.readUInt16BE(headerLength + 2 + topicLength) : 0;
      this.current = { first: bytes[0]!, topicName, packetId, payloadLength: remaining - variableLength };
      this.hash = createHash("sha256");
      this.left = remaining - variableLength;
      const rest = bytes.subarray(headerLength + variableLength);
      this.pending = Buffer.alloc(0);
      if (this.left === 0) this.finish();
      if (rest.length > 0) this.feed(rest);
      return;
    }
  }

  private finish(): void {
    const publish = { ...this.current!, sha256: this.hash!.digest("hex") };
    this.hash = undefined;
    this.current = undefined;
    this.resolve?.(publish);
    this.resolve = undefined;
  }
}
