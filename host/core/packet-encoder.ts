// Encoders on the host side: writes a packet's arguments (strings, reason codes, v5 properties) into the core's
// scratch regions, calls one encode export, and returns the packet as a Buffer of its own.
import type { Core } from "./core.ts";
import type { Properties } from "./packets.ts";
import { PROP_WORDS, PROPS_IN_WORDS, SCRATCH_BYTES } from "./layout.ts";
import { PROPERTY_IDS, T_BINARY, T_PAIR, T_STRING, T_VARINT } from "./property-ids.ts";

type EncodeExports = {
  encodeConnack(level: number, sessionPresent: number, reasonCode: number, propsCount: number): number;
  encodePublish(level: number, flags: number, topicOffset: number, topicLength: number, packetId: number, propsCount: number, payloadLength: number): number;
  encodeAck(type: number, level: number, packetId: number, reasonCode: number, propsCount: number): number;
  encodeSubAck(type: number, level: number, packetId: number, codesOffset: number, codesCount: number, propsCount: number): number;
  encodePingresp(): number;
  encodeDisconnect(level: number, reasonCode: number, propsCount: number): number;
  encodeAuth(reasonCode: number, propsCount: number): number;
};

const USER_PROPERTY = 0x26;

/** Where the 2 packet id bytes sit in a PUBLISH header of QoS 1 or 2 (after the fixed header and the topic name),
 *  read from the header itself: the caller copies the header and patches the id per recipient. */
export function publishPacketIdOffset(header: Uint8Array): number {
  let at = 1;
  while ((header[at++]! & 0x80) !== 0); // the remaining length, a variable byte integer
  return at + 2 + ((header[at]! << 8) | header[at + 1]!);
}

export class PacketEncoder {
  private readonly core: Core;
  private readonly x: EncodeExports;
  private scratchUsed = 0;
  /** A Buffer over the core's memory for string writes and copies without per-call views. */
  private memory: Buffer;

  constructor(core: Core) {
    this.core = core;
    this.x = core.exports as unknown as EncodeExports;
    this.memory = Buffer.from(core.memory.buffer);
  }

  encodeConnack(level: number, sessionPresent: boolean, reasonCode: number, properties?: Properties): Buffer {
    this.begin();
    const n = this.writeProperties(level, properties);
    return this.result(this.x.encodeConnack(level, sessionPresent ? 1 : 0, reasonCode, n));
  }

  /** A PUBLISH up to its payload (the caller writes the payload after it); see publishPacketIdOffset. */
  encodePublishHeader(level: number, flags: number, topicName: string | Uint8Array, packetId: number,
    properties: Properties | undefined, payloadLength: number): Buffer {
    this.begin();
    const topicLength = this.writeScratch(topicName);
    const n = properties === undefined ? 0 : this.writeProperties(level, properties);
    return this.result(this.x.encodePublish(level, flags, 0, topicLength, packetId, n, payloadLength));
  }

  encodeAck(type: number, level: number, packetId: number, reasonCode: number, properties?: Properties): Buffer {
    this.begin();
    const n = this.writeProperties(level, properties);
    return this.result(this.x.encodeAck(type, level, packetId, reasonCode, n));
  }

  encodeSubAck(type: number, level: number, packetId: number, reasonCodes: number[], properties?: Properties): Buffer {
    this.begin();
    const codesOffset = this.reserveScratch(reasonCodes.length);
    this.memory.set(reasonCodes, this.core.scratchIn + codesOffset);
    const n = this.writeProperties(level, properties);
    return this.result(this.x.encodeSubAck(type, level, packetId, codesOffset, reasonCodes.length, n));
  }

  encodePingresp(): Buffer {
    this.begin();
    return this.result(this.x.encodePingresp());
  }

  encodeDisconnect(level: number, reasonCode: number, properties?: Properties): Buffer {
    this.begin();
    const n = this.writeProperties(level, properties);
    return this.result(this.x.encodeDisconnect(level, reasonCode, n));
  }

  encodeAuth(reasonCode: number, properties?: Properties): Buffer {
    this.begin();
    const n = this.writeProperties(5, properties);
    return this.result(this.x.encodeAuth(reasonCode, n));
  }

  private begin(): void {
    if (this.memory.length === 0) { // memory grew: the old views are detached
      this.core.refresh();
      this.memory = Buffer.from(this.core.memory.buffer);
    }
    this.scratchUsed = 0;
  }

  private result(length: number): Buffer {
    if (length < 0) throw new RangeError(`quarkmq codec: cannot encode (reason 0x${(-length).toString(16)})`);
    const at = this.core.encodeOut, out = Buffer.allocUnsafe(length);
    if (length > 64) this.memory.copy(out, 0, at, at + length);
    else for (let i = 0, m = this.memory; i < length; i++) out[i] = m[at + i]!;
    return out;
  }

  private reserveScratch(n: number): number {
    const at = this.scratchUsed;
    if (at + n > SCRATCH_BYTES) throw new RangeError("quarkmq codec: arguments exceed SCRATCH_IN");
    this.scratchUsed = at + n;
    return at;
  }

  /** Writes a string (UTF-8) or bytes at the scratch cursor; returns the byte length. */
  private writeScratch(value: string | Uint8Array): number {
    const at = this.scratchUsed, base = this.core.scratchIn;
    if (typeof value === "string") {
      if (value.length <= 64 && at + 64 <= SCRATCH_BYTES) {
        const written = this.writeAscii(value, base + at);
        if (written >= 0) { this.scratchUsed = at + written; return written; }
      }
      if (at + value.length * 3 > SCRATCH_BYTES) throw new RangeError("quarkmq codec: arguments exceed SCRATCH_IN");
      const written = this.memory.write(value, base + at, SCRATCH_BYTES - at, "utf8");
      this.scratchUsed = at + written;
      return written;
    }
    this.reserveScratch(value.length);
    this.memory.set(value, base + at);
    return value.length;
  }

  /** Copies a short all-ASCII string byte by byte (cheaper than a native call); -1 when it is not ASCII. */
  private writeAscii(value: string, to: number): number {
    const m = this.memory;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return -1;
      m[to + i] = c;
    }
    return value.length;
  }

  /** Writes the entries of `properties` into PROPS_IN (v5 only); returns their count. */
  private writeProperties(level: number, properties: Properties | undefined): number {
    if (level !== 5 || properties === undefined) return 0;
    let n = 0;
    for (const [key, id, type] of PROPERTY_IDS) {
      const value = properties[key];
      if (value === undefined) continue;
      if (type === T_PAIR) for (const [k, v] of value as Array<[string, string]>) n = this.putPair(n, k, v);
      else if (type === T_VARINT && Array.isArray(value)) for (const v of value as number[]) n = this.putEntry(n, id, v, 0);
      else if (type === T_STRING || type === T_BINARY) {
        const offset = this.scratchUsed;
        n = this.putEntry(n, id, offset, this.writeScratch(value as string | Uint8Array));
      } else n = this.putEntry(n, id, value as number, 0);
    }
    return n;
  }

  private putEntry(n: number, id: number, a: number, b: number): number {
    if ((n + 1) * PROP_WORDS > PROPS_IN_WORDS) throw new RangeError("quarkmq codec: too many properties");
    const w = this.core.words, at = this.core.propsInWord + n * PROP_WORDS;
    w[at] = id; w[at + 1] = a; w[at + 2] = b; w[at + 3] = 0; w[at + 4] = 0;
    return n + 1;
  }

  private putPair(n: number, key: string, value: string): number {
    const keyOffset = this.scratchUsed, keyLength = this.writeScratch(key);
    const valueOffset = this.scratchUsed, valueLength = this.writeScratch(value);
    const at = this.core.propsInWord + this.putEntry(n, USER_PROPERTY, keyOffset, keyLength) * PROP_WORDS - PROP_WORDS;
    this.core.words[at + 3] = valueOffset;
    this.core.words[at + 4] = valueLength;
    return n + 1;
  }
}
