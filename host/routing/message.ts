// One application message as routed: topic and payload are slices of the chunk it arrived in (no
// copy), shared by every recipient; PUBLISH headers are encoded once per variant and cached here.
import type { Properties } from "../core/packets.ts";

export class Message {
  private topicString: string | undefined;
  /** The first encoded PUBLISH header (packet id 0) and its variant (routing/publish-encoder.ts). */
  private header: Buffer | undefined;
  private headerVariant = -1;
  /** Headers of further variants, when recipients differ in protocol, QoS or retain. */
  private moreHeaders: Array<Buffer | undefined> | undefined;
  private ownedCopy: Message | undefined;
  /** Its record in the store once a session with an expiry queued it (0: not stored). */
  storeId = 0;

  constructor(
    /** Topic name bytes (UTF-8). */
    readonly topic: Uint8Array,
    readonly payload: Buffer,
    readonly qos: 0 | 1 | 2,
    readonly retain: boolean,
    /** v5 properties forwarded to recipients (no topic alias, subscription identifiers or expiry); undefined when none. */
    readonly properties: Properties | undefined,
    /** Date.now() when the message expires, 0 = never. */
    readonly expiresAt: number,
    topicName?: string,
  ) {
    this.topicString = topicName;
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
    const topicLength = this.topic.byteLength, size = topicLength + this.payload.byteLength;
    if (this.payload.buffer.byteLength <= 2 * size + 1024 && this.topic.buffer.byteLength <= 2 * size + 1024) return (this.ownedCopy = this);
    const bytes = Buffer.allocUnsafeSlow(size);
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
