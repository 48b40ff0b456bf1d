// Encodes a PUBLISH header for one recipient. The common case (no per-recipient properties) is
// encoded once per (protocol, QoS, retain) variant and cached on the message; the caller copies the
// header and patches the packet id when QoS > 0.
import type { Codec } from "../core/codec.ts";
import type { Properties } from "../core/packets.ts";
import type { Message } from "./message.ts";

export class PublishEncoder {
  /** After encode(): where the 2 packet id bytes sit in the returned header (-1 at QoS 0). */
  packetIdOffset = -1;

  constructor(private readonly codec: Codec) {}

  /** The header, or undefined when the message has expired. `level` 5 or 4 (3.1 encodes as 3.1.1). */
  encode(message: Message, level: number, qos: number, retain: boolean, dup: boolean,
         subscriptionIds: number[] | undefined): Buffer | undefined {
    const v5 = level === 5;
    const expiry = message.expiresAt === 0 ? 0 : message.remainingExpiry(Date.now());
    if (expiry < 0 && !dup) return undefined; // v5 [MQTT-3.3.2-5]; a resend of a PUBLISH already sent is exempt v5 [MQTT-4.3.3-7]
    const flags = (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0);
    const perRecipient = v5 && (expiry > 0 || (subscriptionIds !== undefined && subscriptionIds.length > 0));
    if (dup || perRecipient) {
      let properties: Properties | undefined = message.properties;
      if (perRecipient) {
        properties = { ...message.properties };
        if (expiry > 0) properties.messageExpiryInterval = expiry; // v5 [MQTT-3.3.2-6]
        if (subscriptionIds !== undefined && subscriptionIds.length > 0) properties.subscriptionIdentifiers = subscriptionIds; // v5 [MQTT-3.3.4-3]
      }
      const header = this.codec.encodePublishHeader(v5 ? 5 : 4, flags, message.topic, 0, v5 ? properties : undefined, message.payload.length);
      this.packetIdOffset = this.codec.publishPacketIdOffset;
      return header;
    }
    const variant = (v5 ? 8 : 0) | flags;
    if (message.headerVariant === variant) {
      this.packetIdOffset = message.headerPacketIdOffset;
      return message.header;
    }
    if (message.headerVariant === -1) {
      message.header = this.encodeVariant(message, v5, flags);
      message.headerVariant = variant;
      message.headerPacketIdOffset = this.packetIdOffset;
      return message.header;
    }
    const headers = (message.moreHeaders ??= []);
    const offsets = (message.morePacketIdOffsets ??= []);
    let header = headers[variant];
    if (header === undefined) {
      header = headers[variant] = this.encodeVariant(message, v5, flags);
      offsets[variant] = this.packetIdOffset;
    }
    this.packetIdOffset = offsets[variant]!;
    return header;
  }

  private encodeVariant(message: Message, v5: boolean, flags: number): Buffer {
    const header = this.codec.encodePublishHeader(v5 ? 5 : 4, flags, message.topic, 0, v5 ? message.properties : undefined, message.payload.length);
    this.packetIdOffset = this.codec.publishPacketIdOffset;
    return header;
  }
}
