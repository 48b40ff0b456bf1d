// The core's host-side codec as the core tests drive it: framer, record readers and encoder of one Core behind one
// object, with the last frame's results and raw record words (layout.ts R_*) for tests that check the layout itself.
import type { Core } from "../../host/core/core.ts";
import { Framer, FrameResult } from "../../host/core/framer.ts";
import { ITEM_WORDS, R_ITEMS_COUNT, R_ITEMS_FIRST, RECORD_WORDS, C_PROTOCOL_LEVEL } from "../../host/core/layout.ts";
import { PacketEncoder, publishPacketIdOffset } from "../../host/core/packet-encoder.ts";
import type { Properties } from "../../host/core/packets.ts";
import { Records } from "../../host/core/records.ts";

export { HEAD_BYTES } from "../../host/core/framer.ts";

export class Codec {
  readonly records: Records;
  readonly encoder: PacketEncoder;
  private readonly framer: Framer;
  private readonly last = new FrameResult();
  /** After encodePublishHeader: where the packet id's 2 bytes sit in that header, -1 at QoS 0. */
  publishPacketIdOffset = -1;

  constructor(private readonly core: Core) {
    this.framer = new Framer(core);
    this.records = new Records(core);
    this.encoder = new PacketEncoder(core);
  }

  get consumed(): number { return this.last.consumed; }
  get needLength(): number { return this.last.needLength; }
  get protocolLevel(): number { return this.last.protocolLevel; }

  frame(bytes: Uint8Array, length: number, protocolLevel: number, maxPacketSize: number): number {
    return this.framer.frame(bytes, length, protocolLevel, maxPacketSize, this.last);
  }

  frameHead(bytes: Uint8Array, protocolLevel: number, maxPacketSize: number): number {
    return this.framer.frameHead(bytes, protocolLevel, maxPacketSize, this.last);
  }

  /** A raw record word (layout.ts R_*). */
  word(record: number, w: number): number {
    if (this.core.words.length === 0) this.core.refresh();
    return this.core.words[this.core.recordsWord + record * RECORD_WORDS + w]!;
  }

  private field(index: number): number {
    if (this.core.words.length === 0) this.core.refresh();
    return this.core.words[this.core.fieldsWord + index]!;
  }

  /** The protocol level byte of a CONNECT record, also after -0x84. */
  connectLevel(record: number): number {
    return this.field(this.word(record, R_ITEMS_FIRST) + C_PROTOCOL_LEVEL);
  }

  /** Reason codes of a SUBACK / UNSUBACK record (client direction). */
  readReasonCodes(record: number): number[] {
    const first = this.word(record, R_ITEMS_FIRST), count = this.word(record, R_ITEMS_COUNT);
    const codes: number[] = [];
    for (let i = 0; i < count; i++) codes.push(this.field(first + i * ITEM_WORDS));
    return codes;
  }

  readProperties(record: number, bytes: Uint8Array): Properties { return this.records.properties(record, bytes); }
  readConnect(record: number, bytes: Uint8Array) { return this.records.connect(record, bytes); }
  readSubscribe(record: number, bytes: Uint8Array) { return this.records.subscribe(record, bytes); }
  readUnsubscribe(record: number, bytes: Uint8Array) { return this.records.unsubscribe(record, bytes); }

  encodeConnack(level: number, sessionPresent: boolean, reasonCode: number, properties?: Properties): Buffer {
    return this.encoder.encodeConnack(level, sessionPresent, reasonCode, properties);
  }

  encodePublishHeader(level: number, flags: number, topicName: string | Uint8Array, packetId: number,
    properties: Properties | undefined, payloadLength: number): Buffer {
    const header = this.encoder.encodePublishHeader(level, flags, topicName, packetId, properties, payloadLength);
    this.publishPacketIdOffset = (flags & 6) === 0 ? -1 : publishPacketIdOffset(header);
    return header;
  }

  encodeAck(type: number, level: number, packetId: number, reasonCode: number, properties?: Properties): Buffer {
    return this.encoder.encodeAck(type, level, packetId, reasonCode, properties);
  }

  encodeSubAck(type: number, level: number, packetId: number, reasonCodes: number[], properties?: Properties): Buffer {
    return this.encoder.encodeSubAck(type, level, packetId, reasonCodes, properties);
  }

  encodePingresp(): Buffer { return this.encoder.encodePingresp(); }
  encodeDisconnect(level: number, reasonCode: number, properties?: Properties): Buffer { return this.encoder.encodeDisconnect(level, reasonCode, properties); }
  encodeAuth(reasonCode: number, properties?: Properties): Buffer { return this.encoder.encodeAuth(reasonCode, properties); }
}
