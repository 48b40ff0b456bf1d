// Encodes a PUBLISH header for one recipient. The common case (no per-recipient properties) is
// encoded once per (protocol, QoS, retain) variant and cached on the message; the caller copies the
// header and patches the packet id when QoS > 0 (core/packet-encoder.ts publishPacketIdOffset says where).
import type { PacketEncoder } from "../core/packet-encoder.ts";
import type { Properties } from "../core/packets.ts";
import type { Message } from "./message.ts";

const EMPTY = new Uint8Array(0);

export class PublishEncoder {
  constructor(private readonly encoder: PacketEncoder) {}

  /** The header, or undefined when the message has expired. `level` 5 or 4 (3.1 encodes as 3.1.1).
   *  `topicAlias` > 0 (v5 only) adds a Topic Alias; with `aliasSet` the alias is already known to the
   *  client and the topic name is sent empty (v5 3.3.2.3.4). */
  encode(message: Message, level: number, qos: number, retain: boolean, dup: boolean,
         subscriptionIds: number[] | undefined, topicAlias = 0, aliasSet = false): Buffer | undefined {
    const v5 = level === 5;
    const expiry = message.expiresAt === 0 ? 0 : message.remainingExpiry(Date.now());
    if (expiry < 0 && !dup) return undefined; // v5 [MQTT-3.3.2-5]; a resend of a PUBLISH already sent is exempt v5 [MQTT-4.3.3-7]
    const flags = (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0);
    const perRecipient = v5 && (expiry > 0 || topicAlias > 0 || (subscriptionIds !== undefined && subscriptionIds.length > 0));
    if (dup || perRecipient) {
      let properties: Properties | undefined = message.properties;
      if (perRecipient) {
        properties = { ...message.properties };
        if (expiry > 0) properties.messageExpiryInterval = expiry; // v5 [MQTT-3.3.2-6]
        if (subscriptionIds !== undefined && subscriptionIds.length > 0) properties.subscriptionIdentifiers = subscriptionIds; // v5 [MQTT-3.3.4-3]
        if (topicAlias > 0) properties.topicAlias = topicAlias;
      }
      const topic = topicAlias > 0 && aliasSet ? EMPTY : message.topic;
      return this.encoder.encodePublishHeader(v5 ? 5 : 4, flags, topic, 0, v5 ? properties : undefined, message.payloadLength);
    }
    const variant = (v5 ? 8 : 0) | flags;
    const cached = message.cachedHeader(variant);
    if (cached !== undefined) return cached;
    const header = this.encoder.encodePublishHeader(v5 ? 5 : 4, flags, message.topic, 0, v5 ? message.properties : undefined, message.payloadLength);
    message.cacheHeader(variant, header);
    return header;
  }
}
