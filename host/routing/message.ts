// One application message as routed: topic and payload are ranges of the chunk it arrived in (no copy, and no
// view until one is asked for), shared by every recipient; PUBLISH headers are encoded once per variant and cached here.
import type { Properties } from "../core/packets.ts";
import { ownedBytes } from "./owned-bytes.ts";

export class Message {
  private topicString: string | undefined;
  /** The first encoded PUBLISH header (packet id 0) and its variant (routing/publish-encoder.ts). */
  private header: Buffer | undefined;
  private headerVariant = -1;
  /** Headers of further variants, when recipients differ in protocol, QoS or retain. */
  private moreHeaders: Array<Buffer | undefined> | undefined;
  private ownedCopy: Message | undefined;
  private topicView: Uint8Array | undefined;
  private payloadView: Buffer | undefined;
  /** The chunk a received message's bytes are in; undefined for one built from host values. */
  readonly source: Buffer | undefined;
  /** The topic name is source[topicOffset, topicOffset + topicLength) (not one a topic alias stands for). */
  readonly topicInSource: boolean;
  readonly topicOffset: number;
  readonly topicLength: number;
  readonly payloadOffset: number;
  readonly payloadLength: number;
  /** When >= 0, source[packetOffset, packetOffset + packetLength) is this message as a 3.1.1 QoS 0 PUBLISH without
   *  DUP or RETAIN, byte for byte what such a delivery sends (it arrived so from a 3.1/3.1.1 client). */
  readonly packetOffset: number;
  readonly packetLength: number;
  /** Its record in the store once a session with an expiry queued it (0: not stored). */
  storeId = 0;

  constructor(
    /** Topic name bytes (UTF-8); undefined: source[topicOffset, topicOffset + topicLength). */
    topic: Uint8Array | undefined,
    /** Payload bytes; undefined: source[payloadOffset, payloadOffset + payloadLength). */
    payload: Buffer | undefined,
    readonly qos: 0 | 1 | 2,
    readonly retain: boolean,
    /** v5 properties forwarded to recipients (no topic alias, subscription identifiers or expiry); undefined when none. */
    readonly properties: Properties | undefined,
    /** Date.now() when the message expires, 0 = never. */
    readonly expiresAt: number,
    topicName?: string,
    source?: Buffer, topicOffset = 0, topicLength = 0, payloadOffset = 0, payloadLength = 0, packetOffset = -1, packetLength = 0,
  ) {
    this.topicString = topicName;
    this.topicView = topic;
    this.payloadView = payload;
    this.source = source;
    this.topicInSource = topic === undefined;
    this.topicOffset = topicOffset;
    this.topicLength = topic === undefined ? topicLength : topic.length;
    this.payloadOffset = payloadOffset;
    this.payloadLength = payload === undefined ? payloadLength : payload.length;
    this.packetOffset = packetOffset;
    this.packetLength = packetLength;
  }

  /** A message received in `source`, its topic and payload left there until someone asks for them. */
  static received(source: Buffer, topicOffset: number, topicLength: number, payloadOffset: number, payloadLength: number,
                  qos: 0 | 1 | 2, retain: boolean, properties: Properties | undefined, expiresAt: number,
                  packetOffset: number, packetLength: number): Message {
    return new Message(undefined, undefined, qos, retain, properties, expiresAt, undefined, source, topicOffset, topicLength,
      payloadOffset, payloadLength, packetOffset, packetLength);
  }

  /** Topic name bytes (UTF-8): a view of the chunk, made on first use. */
  get topic(): Uint8Array {
    return (this.topicView ??= this.source!.subarray(this.topicOffset, this.topicOffset + this.topicLength));
  }

  /** Payload bytes: a view of the chunk, made on first use. */
  get payload(): Buffer {
    return (this.payloadView ??= this.source!.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength));
  }

  /** The PUBLISH header cached for `variant` (publish-encoder.ts numbers them), or undefined. */
  cachedHeader(variant: number): Buffer | undefined {
    if (this.headerVariant === variant) return this.header;
    return this.moreHeaders === undefined ? undefined : this.moreHeaders[variant];
  }

  /** Caches the PUBLISH header of `variant`. */
  cacheHeader(variant: number, header: Buffer): void {
    if (this.headerVariant === -1) {
      this.header = header;
      this.headerVariant = variant;
    } else (this.moreHeaders ??= [])[variant] = header;
  }

  get topicName(): string {
    return (this.topicString ??= Buffer.from(this.topic.buffer, this.topic.byteOffset, this.topic.byteLength).toString("utf8"));
  }

  /** Remaining Message Expiry Interval in whole seconds (at least 1), or -1 when expired, 0 when none. */
  remainingExpiry(now: number): number {
    if (this.expiresAt === 0) return 0;
    const left = this.expiresAt - now;
    return left <= 0 ? -1 : Math.ceil(left / 1000);
  }

  /** This message with bytes of its own when topic and payload are slices of a much larger chunk (copied once):
   *  what a session queues or keeps in flight must not pin the whole read chunk it arrived in. */
  owned(): Message {
    if (this.ownedCopy !== undefined) return this.ownedCopy;
    const topicLength = this.topicLength, size = topicLength + this.payloadLength;
    if (this.payload.buffer.byteLength <= 2 * size + 1024 && this.topic.buffer.byteLength <= 2 * size + 1024) return (this.ownedCopy = this);
    const bytes = ownedBytes(size);
    bytes.set(this.topic, 0);
    bytes.set(this.payload, topicLength);
    const copy = new Message(bytes.subarray(0, topicLength), bytes.subarray(topicLength), this.qos, this.retain, this.properties,
      this.expiresAt, this.topicString);
    copy.ownedCopy = copy;
    return (this.ownedCopy = copy);
  }
}

/** Builds a message from host values (broker.publish, wills). */
export function messageFrom(topicName: string, payload: Buffer, qos: 0 | 1 | 2, retain: boolean, properties: Properties | undefined): Message {
  let expiresAt = 0;
  let forwarded = properties;
  if (properties) {
    const { messageExpiryInterval, topicAlias: _alias, subscriptionIdentifiers: _ids, willDelayInterval: _delay, ...rest } = properties;
    if (messageExpiryInterval !== undefined && messageExpiryInterval > 0) expiresAt = Date.now() + messageExpiryInterval * 1000;
    forwarded = Object.keys(rest).length > 0 ? rest : undefined;
  }
  return new Message(Buffer.from(topicName, "utf8"), payload, qos, retain, forwarded, expiresAt, topicName);
}
