// The retained table's record (store format 2): one binary value a message, read back into shared slabs, so a
// restart with a million retained messages makes a million Messages over a few slabs, not millions of objects.
// Layout: flags u8 (bits 0-1 qos, bit 2 properties) | expiresAt f64 LE | topic length u16 LE | topic |
// [properties: length u32 LE | JSON, correlationData as base64] | payload.
import type { Properties } from "../core/packets.ts";
import type { RestoredRetained, StoredMessage } from "./store.ts";

const HAS_PROPERTIES = 4;
const HEADER = 11;
/** Restored records are copied into slabs of this size; a larger record gets a buffer of its own. */
const SLAB = 256 * 1024;

export function encodeRetained(message: StoredMessage): Buffer {
  const topicLength = Buffer.byteLength(message.topicName);
  const properties = message.properties === undefined ? undefined : Buffer.from(JSON.stringify(message.properties, toJson));
  const propertiesLength = properties === undefined ? 0 : 4 + properties.length;
  const record = Buffer.allocUnsafe(HEADER + topicLength + propertiesLength + message.payload.length);
  record[0] = message.qos | (properties === undefined ? 0 : HAS_PROPERTIES);
  record.writeDoubleLE(message.expiresAt, 1);
  record.writeUInt16LE(topicLength, 9);
  let at = HEADER + record.write(message.topicName, HEADER, "utf8");
  if (properties !== undefined) {
    record.writeUInt32LE(properties.length, at);
    at += 4 + properties.copy(record, at + 4);
  }
  message.payload.copy(record, at);
  return record;
}

/** Copies records into slabs it owns and says where their parts are; a slab is never written again once a record is in it. */
export class RetainedReader {
  private slab = Buffer.allocUnsafeSlow(SLAB);
  private used = 0;

  /** The record (which may be a view of a read buffer about to be reused), or undefined when it expired by `now`. */
  read(record: Uint8Array, now: number): RestoredRetained | undefined {
    const size = record.length;
    let bytes: Buffer, base: number;
    if (size > SLAB / 4) {
      bytes = Buffer.allocUnsafeSlow(size);
      base = 0;
    } else {
      if (this.used + size > SLAB) {
        this.slab = Buffer.allocUnsafeSlow(SLAB);
        this.used = 0;
      }
      bytes = this.slab;
      base = this.used;
      this.used += size;
    }
    bytes.set(record, base);
    const expiresAt = bytes.readDoubleLE(base + 1);
    if (expiresAt !== 0 && expiresAt <= now) { // v5 [MQTT-3.3.2-5]
      if (bytes === this.slab) this.used = base;
      return undefined;
    }
    const flags = bytes[base]!;
    const topicLength = bytes.readUInt16LE(base + 9);
    let at = base + HEADER + topicLength;
    let properties: Properties | undefined;
    if ((flags & HAS_PROPERTIES) !== 0) {
      const length = bytes.readUInt32LE(at);
      properties = JSON.parse(bytes.toString("utf8", at + 4, at + 4 + length), fromJson) as Properties;
      at += 4 + length;
    }
    return { bytes, topicOffset: base + HEADER, topicLength, payloadOffset: at, payloadLength: base + size - at,
      qos: (flags & 3) as 0 | 1 | 2, properties, expiresAt };
  }
}

function toJson(this: Properties, key: string, value: unknown): unknown {
  return key === "correlationData" && this.correlationData !== undefined ? this.correlationData.toString("base64") : value;
}

function fromJson(key: string, value: unknown): unknown {
  return key === "correlationData" ? Buffer.from(value as string, "base64") : value;
}
