// Named readers of the records frame() writes: one method per record field, and readers turning a record into
// the plain values of packets.ts by slicing the caller's bytes. The only code above the core that knows the layout.
import type { Core } from "./core.ts";
import type { ConnectPacket, Properties, SubscribePacket, Subscription, UnsubscribePacket, Will } from "./packets.ts";
import {
  C_CLIENT_ID_OFFSET, C_CONNECT_FLAGS, C_KEEP_ALIVE, C_PASSWORD_OFFSET, C_PROTOCOL_LEVEL, C_USERNAME_OFFSET,
  C_WILL_PAYLOAD_OFFSET, C_WILL_PROPS_COUNT, C_WILL_PROPS_FIRST, C_WILL_TOPIC_OFFSET, ITEM_WORDS, PROP_WORDS,
  R_ERROR, R_EXTRA, R_FLAGS, R_ITEMS_COUNT, R_ITEMS_FIRST, R_LENGTH, R_PACKET_ID, R_PAYLOAD_LENGTH, R_PAYLOAD_OFFSET,
  R_PROPS_COUNT, R_PROPS_FIRST, R_REASON, R_START, R_TOPIC_LENGTH, R_TOPIC_OFFSET, R_TYPE, RECORD_WORDS,
} from "./layout.ts";
import { PROPERTY_BY_ID, T_BINARY, T_PAIR, T_STRING } from "./property-ids.ts";

const decoder = new TextDecoder("utf-8");

function text(bytes: Uint8Array, offset: number, length: number): string {
  if (length === 0) return "";
  return Buffer.isBuffer(bytes) ? bytes.toString("utf8", offset, offset + length) : decoder.decode(bytes.subarray(offset, offset + length));
}

function copy(bytes: Uint8Array, offset: number, length: number): Buffer {
  return Buffer.from(bytes.subarray(offset, offset + length));
}

/** Reads the records of the last frame() / frameHead() call; `record` is 0 .. count-1. Offsets index into the bytes
 *  that were framed. Valid until the next framing call. */
export class Records {
  private readonly core: Core;
  private readonly recordsWord: number;
  /** The core's word view (re-taken when memory grows and detaches it), so a field is one array read. */
  private words: Int32Array;

  constructor(core: Core) {
    this.core = core;
    this.recordsWord = core.recordsWord;
    this.words = core.words;
  }

  /** Packet type (the high nibble of the first byte, PacketType). */
  type(record: number): number { return this.word(record, R_TYPE); }
  /** The low nibble of the first byte. */
  flags(record: number): number { return this.word(record, R_FLAGS); }
  /** 0, or minus the reason code the packet is refused with (malformed, too large, ...). */
  error(record: number): number { return this.word(record, R_ERROR); }
  /** Offset of the packet's first byte. */
  start(record: number): number { return this.word(record, R_START); }
  /** Offset just past the packet. */
  end(record: number): number { return this.word(record, R_START) + this.word(record, R_LENGTH); }
  packetId(record: number): number { return this.word(record, R_PACKET_ID); }
  topicOffset(record: number): number { return this.word(record, R_TOPIC_OFFSET); }
  topicLength(record: number): number { return this.word(record, R_TOPIC_LENGTH); }
  payloadOffset(record: number): number { return this.word(record, R_PAYLOAD_OFFSET); }
  payloadLength(record: number): number { return this.word(record, R_PAYLOAD_LENGTH); }
  /** v5 reason code of an acknowledgement, DISCONNECT or AUTH (0 when absent). */
  reasonCode(record: number): number { return this.word(record, R_REASON); }
  /** v5 Topic Alias of a PUBLISH, 0 when absent. */
  topicAlias(record: number): number { return this.word(record, R_EXTRA); }
  /** Number of v5 properties (0: properties() would return {}). */
  propertyCount(record: number): number { return this.word(record, R_PROPS_COUNT); }

  properties(record: number, bytes: Uint8Array): Properties {
    return this.propertiesAt(this.word(record, R_PROPS_FIRST), this.word(record, R_PROPS_COUNT), bytes);
  }

  connect(record: number, bytes: Uint8Array): ConnectPacket {
    const c = this.word(record, R_ITEMS_FIRST);
    const flags = this.field(c + C_CONNECT_FLAGS);
    const packet: ConnectPacket = {
      protocolLevel: this.field(c + C_PROTOCOL_LEVEL) as 3 | 4 | 5,
      cleanStart: (flags & 0x02) !== 0,
      keepAlive: this.field(c + C_KEEP_ALIVE),
      clientId: text(bytes, this.field(c + C_CLIENT_ID_OFFSET), this.field(c + C_CLIENT_ID_OFFSET + 1)),
      properties: this.properties(record, bytes),
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

  subscribe(record: number, bytes: Uint8Array): SubscribePacket {
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
    return { packetId: this.word(record, R_PACKET_ID), subscriptions, properties: this.properties(record, bytes) };
  }

  unsubscribe(record: number, bytes: Uint8Array): UnsubscribePacket {
    const first = this.word(record, R_ITEMS_FIRST), count = this.word(record, R_ITEMS_COUNT);
    const topicFilters: string[] = [];
    for (let i = 0; i < count; i++) topicFilters.push(text(bytes, this.field(first + i * ITEM_WORDS), this.field(first + i * ITEM_WORDS + 1)));
    return { packetId: this.word(record, R_PACKET_ID), topicFilters, properties: this.properties(record, bytes) };
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

  private word(record: number, w: number): number {
    const words = this.words.length === 0 ? this.rebind() : this.words;
    return words[this.recordsWord + record * RECORD_WORDS + w]!;
  }

  private field(index: number): number {
    const words = this.words.length === 0 ? this.rebind() : this.words;
    return words[this.core.fieldsWord + index]!;
  }

  /** Memory grew (e.g. the topic index allocated) since the view was taken: take the new one. */
  private rebind(): Int32Array {
    this.core.refresh();
    return (this.words = this.core.words);
  }
}
