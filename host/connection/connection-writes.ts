// What connection.ts writes beyond the plain send gate: one PUBLISH (forwarded as received, or re-encoded) with its
// counters, the CONNACK that refuses a CONNECT in each protocol version, and the count of a packet too large to send.
import type { PacketEncoder } from "../core/packet-encoder.ts";
import type { Properties } from "../core/packets.ts";
import { connectReturnCode } from "../protocol/reason-code.ts";
import type { Message } from "../routing/message.ts";
import type { PublishEncoder } from "../routing/publish-encoder.ts";
import type { Logger } from "../log.ts";
import type { BrokerStats } from "../stats.ts";
import { forwardsAsReceived, publishHeader, type OutboundWriter } from "./outbound.ts";
import type { OutboundAliases } from "./outbound-aliases.ts";

/** Writes one PUBLISH; false when it was dropped (a QoS 0 backlog, expired, or larger than the client's Maximum Packet Size). */
export function writePublish(stats: BrokerStats, encoder: PublishEncoder, writer: OutboundWriter, aliases: OutboundAliases | undefined,
  level: number, maxPacketSize: number, message: Message, qos: number, retain: boolean, dup: boolean, packetId: number,
  subscriptionIds: number[] | undefined): boolean {
  if (qos === 0 && writer.qos0Backlog(message.payloadLength)) {
    stats.droppedCongested++;
    stats.dropped++;
    return false;
  }
  if (forwardsAsReceived(level, message, qos, retain)) {
    writer.writeRange(message.source!, message.packetOffset, message.packetOffset + message.packetLength);
    countSent(stats, qos, message.payloadLength);
    return true;
  }
  const header = publishHeader(stats, encoder, aliases, level, maxPacketSize, message, qos, retain, dup, packetId, subscriptionIds);
  if (header === undefined) {
    stats.dropped++;
    return false;
  }
  writer.write(header);
  const payloadLength = message.payloadLength;
  if (payloadLength > 0) writer.write(message.payload);
  countSent(stats, qos, payloadLength);
  return true;
}

/** One PUBLISH written to the client: the counters /metrics and $SYS read. */
function countSent(stats: BrokerStats, qos: number, payloadLength: number): void {
  stats.messagesOut++;
  stats.packetsSent++;
  stats.publishSent[qos]++;
  stats.publishSentBytes[qos] += payloadLength;
}

/** The CONNACK refusing a CONNECT: the reason code (v5) or its return code (3.1/3.1.1), undefined when 3.1/3.1.1
 *  has no return code for it; session present is 0, v5 [MQTT-3.2.2-6], v3.1.1 [MQTT-3.2.2-4]. */
export function refusalConnack(encoder: PacketEncoder, level: number, reasonCode: number, properties?: Properties): Buffer | undefined {
  if (level === 5) return encoder.encodeConnack(5, false, reasonCode, properties);
  const returnCode = connectReturnCode(reasonCode);
  return returnCode === undefined ? undefined : encoder.encodeConnack(level === 3 ? 3 : 4, false, returnCode);
}

/** A packet over the client's Maximum Packet Size: counted and logged (the connection then ends it). */
export function countTooLarge(context: { stats: BrokerStats; log: Logger }, clientId: string, type: number, length: number,
  maxPacketSize: number): void {
  context.stats.packetsTooLarge++;
  context.log.info({ clientId, type, length, maxPacketSize }, "packet over the client's Maximum Packet Size not sent");
}
