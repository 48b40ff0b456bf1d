// The host side of the Wasm codec: copies a chunk into the inbox, frames it with one export call, and turns
// records into plain values (packets.ts) by slicing the caller's bytes. Encoders return Buffers.
import type { Core } from "./core.ts";
import type { ConnectPacket, Properties, SubscribePacket, UnsubscribePacket, Will, Subscription } from "./packets.ts";
import {
  H_CONSUMED, H_NEED_LENGTH, H_INBOX, H_INBOX_CAPACITY, H_PROTOCOL_LEVEL, H_ENCODED_PACKET_ID_AT, RECORD_WORDS, PROP_WORDS, ITEM_WORDS,
  R_PACKET_ID, R_PROPS_FIRST, R_PROPS_COUNT, R_ITEMS_FIRST, R_ITEMS_COUNT, C_PROTOCOL_LEVEL, C_CONNECT_FLAGS,
  C_KEEP_ALIVE, C_CLIENT_ID_OFFSET, C_WILL_PROPS_FIRST, C_WILL_PROPS_COUNT, C_WILL_TOPIC_OFFSET,
  C_WILL_PAYLOAD_OFFSET, C_USERNAME_OFFSET, C_PASSWORD_OFFSET, SCRATCH_BYTES, PROPS_IN_WORDS,
} from "./layout.ts";
import { PROPERTY_BY_ID, PROPERTY_IDS, T_BINARY, T_PAIR, T_STRING, T_VARINT } from "./property-ids.ts";

type CodecExports = {
  frame(length: number, protocolLevel: number, maxPacketSize: number): number;
  frameHead(length: number, total: number, protocolLevel: number, maxPacketSize: number): number;
  encodeConnack(level: number, sessionPresent: number, reasonCode: number, propsCount: number): number;
  encodePublish(level: number, flags: number, topicOffset: number, topicLength: number, packetId: number, propsCount: number, payloadLength: number): number;
  encodeAck(type: number, level: number, packetId: number, reasonCode: number, propsCount: number): number;
  encodeSubAck(type: number, level: number, packetId: number, codesOffset: number, codesCount: number, propsCount: number): number;
  encodePingresp(): number;
  encodeDisconnect(level: number, reasonCode: number, propsCount: number): number;
  encodeAuth(reasonCode: number, propsCount: number): number;
};

const decoder = new TextDecoder("utf-8");

/** The most of one packet frameHead() copies into the core: a PUBLISH's topic and properties must fit in it
 *  (its payload need not), any other packet entirely. Keeps the inbox, and so Wasm memory, small. */
export const HEAD_BYTES = 1 << 20;

function text(bytes: Uint8Array, offset: number, length: number): string {
  if (length === 0) return "";
  return Buffer.isBuffer(bytes) ? bytes.toString("utf8", offset, offset + length) : decoder.decode(bytes.subarray(offset, offset + length));
}

function copy(bytes: Uint8Array, offset: number, length: number): Buffer {
  return Buffer.from(bytes.subarray(offset, offset + length));
}

export class Codec {
  consumed = 0;
  needLength = 0;
  protocolLevel = 0;
  /** After encodePublishHeader: where the packet id's 2 bytes sit in that header, -1 at QoS 0. */
  publishPacketIdOffset = -1;
  private readonly core: Core;
  private readonly x: CodecExports;
  private scratchUsed = 0;
  /** The core's word view and RECORDS index as of the last frame(), so word() is one array read. */
  private words: Int32Array;
  private recordsWord = 0;
  /** A Buffer over the core's memory for string writes and copies without per-call views. */
  private memory: Buffer;

  constructor(core: Core) {
    this.core = core;
    this.x = core.exports as unknown as CodecExports;
    this.words = core.words;
    this.memory = Buffer.from(core.memory.buffer);
  }

  /** Copies bytes[0,length) into the inbox, frames every whole packet; returns the record count.
   *  maxPacketSize 0 means no limit. */
  frame(bytes: Uint8Array, length: number, protocolLevel: number, maxPacketSize: number): number {
    const core = this.core;
    if (this.memory.length === 0) this.rebind();
    const at = core.header(H_INBOX_CAPACITY) >= length ? core.header(H_INBOX) : core.inbox(length);
    if (this.memory.length === 0) this.rebind(); // inbox() may have grown memory
    this.memory.set(length === bytes.length ? bytes : bytes.subarray(0, length), at);
    const count = this.x.frame(length, protocolLevel, maxPacketSize);
    const words = this.words, h = core.headerWord;
    this.recordsWord = core.recordsWord;
    this.consumed = words[h + H_CONSUMED]!;
    this.needLength = words[h + H_NEED_LENGTH]!;
    this.protocolLevel = words[h + H_PROTOCOL_LEVEL]!;
    return count;
  }

  /** Frames one whole packet, `bytes` exactly, copying at most HEAD_BYTES of it into the core: a longer PUBLISH
   *  is framed from its head (payload offset and length still index into `bytes`), any other longer packet
   *  gives an error record -0x95. Returns the record count, 1. */
  frameHead(bytes: Uint8Array, protocolLevel: number, maxPacketSize: number): number {
    const total = bytes.length;
    if (total <= HEAD_BYTES) return this.frame(bytes, total, protocolLevel, maxPacketSize);
    const core = this.core;
    if (this.memory.length === 0) this.rebind();
    const at = core.header(H_INBOX_CAPACITY) >= HEAD_BYTES ? core.header(H_INBOX) : core.inbox(HEAD_BYTES);
    if (this.memory.length === 0) this.rebind();
    this.memory.set(bytes.subarray(0, HEAD_BYTES), at);
    const count = this.x.frameHead(HEAD_BYTES, total, protocolLevel, maxPacketSize);
    const words = this.words, h = core.headerWord;
    this.recordsWord = core.recordsWord;
    this.consumed = words[h + H_CONSUMED]!;
    this.needLength = 0;
    this.protocolLevel = words[h + H_PROTOCOL_LEVEL]!;
    return count;
  }

  /** A record word (layout.ts R_*); offsets index into the bytes given to frame(). */
  word(record: number, w: number): number {
    const words = this.words.length === 0 ? this.rebind() : this.words;
    return words[this.recordsWord + record * RECORD_WORDS + w]!;
  }

  private field(index: number): number {
    const words = this.words.length === 0 ? this.rebind() : this.words;
    return words[this.core.fieldsWord + index]!;
  }

  /** Memory grew (e.g. the topic index allocated) since frame(): the old view is detached, take the new one. */
  private rebind(): Int32Array {
    this.core.refresh();
    this.words = this.core.words;
    this.memory = Buffer.from(this.core.memory.buffer);
    return this.words;
  }

  readProperties(record: number, bytes: Uint8Array): Properties {
    return this.propertiesAt(this.word(record, R_PROPS_FIRST), this.word(record, R_PROPS_COUNT), bytes);
  }

  private propertiesAt(first: number, count: number, bytes: Uint8Array): Properties {
    const props: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const e = first + i * PROP_WORDS;
      const [key, type] = PROPERTY_BY_ID[this.field(e)]!;
      const a = this.field(e + 1), b = this.field(e + 2);
      if (type === T_PAIR) {
        const pairs = (props.userProperties ??= []) as Array<[string, string]>;
        pairs.push([text(bytes, a, b), text(bytes, this.field(e + 3), this.field(e + 4))]);
      } else if (key === "subscriptionIdentifiers") {
        ((props.subscriptionIdentifiers ??= []) as number[]).push(a);
      } else if (type === T_STRING) props[key] = text(bytes, a, b);
      else if (type === T_BINARY) props[key] = copy(bytes, a, b);
      else props[key] = a >>> 0;
    }
    return props as Properties;
  }

  /** The protocol level byte of a CONNECT record, also after -0x84, so the host can answer in that version. */
  connectLevel(record: number): number {
    return this.field(this.word(record, R_ITEMS_FIRST) + C_PROTOCOL_LEVEL);
  }

  readConnect(record: number, bytes: Uint8Array): ConnectPacket {
    const c = this.word(record, R_ITEMS_FIRST);
    const flags = this.field(c + C_CONNECT_FLAGS);
    const packet: ConnectPacket = {
      protocolLevel: this.field(c + C_PROTOCOL_LEVEL) as 3 | 4 | 5,
      cleanStart: (flags & 0x02) !== 0,
      keepAlive: this.field(c + C_KEEP_ALIVE),
      clientId: text(bytes, this.field(c + C_CLIENT_ID_OFFSET), this.field(c + C_CLIENT_ID_OFFSET + 1)),
      properties: this.readProperties(record, bytes),
    };
    if (flags & 0x80) packet.username = text(bytes, this.field(c + C_USERNAME_OFFSET), this.field(c + C_USERNAME_OFFSET + 1));
    if (flags & 0x40) packet.password = copy(bytes, this.field(c + C_PASSWORD_OFFSET), this.field(c + C_PASSWORD_OFFSET + 1));
    if (flags & 0x04) {
      const will: Will = {
        topicName: text(bytes, this.field(c + C_WILL_TOPIC_OFFSET), this.field(c + C_WILL_TOPIC_OFFSET + 1)),
        payload: copy(bytes, this.field(c + C_WILL_PAYLOAD_OFFSET), this.field(c + C_WILL_PAYLOAD_OFFSET + 1)),
        qos: ((flags >> 3) & 3) as 0 | 1 | 2,
        retain: (flags & 0x20) !== 0,
        properties: this.propertiesAt(this.field(c + C_WILL_PROPS_FIRST), this.field(c + C_WILL_PROPS_COUNT), bytes),
      };
      packet.will = will;
    }
    return packet;
  }

  readSubscribe(record: number, bytes: Uint8Array): SubscribePacket {
    const first = this.word(record, R_ITEMS_FIRST), count = this.word(record, R_ITEMS_COUNT);
    const subscriptions: Subscription[] = [];
    for (let i = 0; i < count; i++) {
      const e = first + i * ITEM_WORDS, options = this.field(e + 2);
      subscriptions.push({
        topicFilter: text(bytes, this.field(e), this.field(e + 1)),
        qos: (options & 3) as 0 | 1 | 2,
        noLocal: (options & 4) !== 0,
        retainAsPublished: (options & 8) !== 0,
        retainHandling: ((options >> 4) & 3) as 0 | 1 | 2,
      });
    }
    return { packetId: this.word(record, R_PACKET_ID), subscriptions, properties: this.readProperties(record, bytes) };
  }

  readUnsubscribe(record: number, bytes: Uint8Array): UnsubscribePacket {
    const first = this.word(record, R_ITEMS_FIRST), count = this.word(record, R_ITEMS_COUNT);
    const topicFilters: string[] = [];
    for (let i = 0; i < count; i++) topicFilters.push(text(bytes, this.field(first + i * ITEM_WORDS), this.field(first + i * ITEM_WORDS + 1)));
    return { packetId: this.word(record, R_PACKET_ID), topicFilters, properties: this.readProperties(record, bytes) };
  }

  /** Reason codes of a SUBACK / UNSUBACK record (client direction, tests). */
  readReasonCodes(record: number): number[] {
    const first = this.word(record, R_ITEMS_FIRST), count = this.word(record, R_ITEMS_COUNT);
    const codes: number[] = [];
    for (let i = 0; i < count; i++) codes.push(this.field(first + i * ITEM_WORDS));
    return codes;
  }

  encodeConnack(level: number, sessionPresent: boolean, reasonCode: number, properties?: Properties): Buffer {
    this.begin();
    const n = this.writeProperties(level, properties);
    return this.result(this.x.encodeConnack(level, sessionPresent ? 1 : 0, reasonCode, n));
  }

  encodePublishHeader(level: number, flags: number, topicName: string | Uint8Array, packetId: number,
    properties: Properties | undefined, payloadLength: number): Buffer {
    this.begin();
    const topicLength = this.writeScratch(topicName);
    const n = properties === undefined ? 0 : this.writeProperties(level, properties);
    const length = this.x.encodePublish(level, flags, 0, topicLength, packetId, n, payloadLength);
    this.publishPacketIdOffset = this.core.header(H_ENCODED_PACKET_ID_AT);
    return this.result(length);
  }

  encodeAck(type: number, level: number, packetId: number, reasonCode: number, properties?: Properties): Buffer {
    this.begin();
    const n = this.writeProperties(level, properties);
    return this.result(this.x.encodeAck(type, level, packetId, reasonCode, n));
  }

  encodeSubAck(type: number, level: number, packetId: number, reasonCodes: number[], properties?: Properties): Buffer {
    this.begin();
    const codesOffset = this.scratchUsed;
    this.reserveScratch(reasonCodes.length);
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
    if (this.memory.length === 0) this.rebind(); // memory grew: the old views are detached
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
    const at = this.core.propsInWord + this.putEntry(n, 0x26, keyOffset, keyLength) * PROP_WORDS - PROP_WORDS;
    this.core.words[at + 3] = valueOffset;
    this.core.words[at + 4] = valueLength;
    return n + 1;
  }
}
