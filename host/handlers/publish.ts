// PUBLISH from a client (spec 3.3): topic aliases, server limits, the QoS 2 duplicate rule, $-topics,
// authorizePublish, then retain + route and the acknowledgement, sent once the store has committed what the
// message wrote (store/store.ts). Topic and payload stay ranges of the chunk.
import type { Properties } from "../core/packets.ts";
import type { Connection } from "../connection/connection.ts";
import type { Decision, PublishEvent } from "../hooks.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { Message } from "../routing/message.ts";
import type { HandlerContext } from "./context.ts";
import { decisionCode, refusalProperties } from "./decision.ts";
import { takePublish } from "../security/connection-limits.ts";

const DOLLAR = 0x24;
/** PUBLISH, QoS 0, no DUP, no RETAIN. */
const FORWARDABLE_FIRST_BYTE = 0x30;

export function handlePublish(ctx: HandlerContext, connection: Connection, bytes: Buffer, record: number): void | Promise<void> {
  const records = ctx.records;
  const options = ctx.options;
  const flags = records.flags(record);
  const qos = ((flags >> 1) & 3) as 0 | 1 | 2;
  const retain = (flags & 1) !== 0;
  const packetId = records.packetId(record);
  const session = connection.session!;
  if (qos > options.maximumQoS) throw new MqttError(ReasonCode.QoSNotSupported); // v5 [MQTT-3.2.2-11]
  if (retain && !options.retainAvailable) throw new MqttError(ReasonCode.RetainNotSupported); // v5 [MQTT-3.2.2-14]
  const topicOffset = records.topicOffset(record);
  const topicLength = records.topicLength(record);
  let topic: Uint8Array | undefined; // set when a topic alias stands for it
  let properties: Properties | undefined;
  let expiresAt = 0;
  if (connection.protocolLevel === 5) {
    const alias = records.topicAlias(record);
    if (alias !== 0 || topicLength === 0) topic = connection.resolveTopicAlias(bytes.subarray(topicOffset, topicOffset + topicLength), alias);
    if (records.propertyCount(record) > 0) {
      const { topicAlias: _alias, messageExpiryInterval, subscriptionIdentifiers, ...rest } = records.properties(record, bytes);
      if (subscriptionIdentifiers !== undefined) throw new MqttError(ReasonCode.ProtocolError, "subscription identifier in PUBLISH from a client"); // v5 [MQTT-3.3.4-6]
      if (rest.responseTopic !== undefined && /[+#]/.test(rest.responseTopic)) throw new MqttError(ReasonCode.ProtocolError, "wildcard in response topic"); // v5 [MQTT-3.3.2-14]
      if (messageExpiryInterval !== undefined && messageExpiryInterval > 0) expiresAt = Date.now() + messageExpiryInterval * 1000;
      for (const _key in rest) {
        properties = rest;
        break;
      }
    }
  } else if (topicLength === 0) {
    throw new MqttError(ReasonCode.ProtocolError, "empty topic name"); // [MQTT-4.7.3-1]
  }
  if (qos === 2) {
    if (session.awaitsPubrel(packetId)) { // v5 [MQTT-4.3.3-10] a resent QoS 2 PUBLISH is not delivered again
      acknowledge(ctx, connection, 2, packetId, ReasonCode.Success);
      return;
    }
    if (session.inboundQos2Count >= options.receiveMaximum) throw new MqttError(ReasonCode.ReceiveMaximumExceeded); // v5 [MQTT-3.3.4-7]
  }
  takePublish(ctx, connection, records.payloadLength(record));
  // The topic: an alias's bytes, or its range of the chunk (no view made on the common path).
  const topicBytes = topic ?? bytes;
  const topicStart = topic === undefined ? topicOffset : 0;
  const topicEnd = topic === undefined ? topicOffset + topicLength : topic.length;
  if (topicBytes[topicStart] === DOLLAR) return refuse(ctx, connection, qos, packetId, ReasonCode.TopicNameInvalid);
  if (topicEnd - topicStart >= options.maxTopicLevels && levels(topicBytes, topicStart, topicEnd) > options.maxTopicLevels) {
    ctx.security.counters.topicLevelsOverLimit++;
    return refuse(ctx, connection, qos, packetId, ReasonCode.TopicNameInvalid);
  }
  const packetOffset = records.start(record);
  // A 3.1/3.1.1 PUBLISH at QoS 0 without DUP or RETAIN is what its 3.1.1 QoS 0 deliveries send (the core checked it
  // is well formed, its lengths minimal), so they forward its bytes.
  const forwardable = connection.protocolLevel !== 5 && bytes[packetOffset] === FORWARDABLE_FIRST_BYTE;
  const message = topic === undefined
    ? Message.received(bytes, topicOffset, topicLength, records.payloadOffset(record), records.payloadLength(record), qos, retain,
      properties, expiresAt, forwardable ? packetOffset : -1, records.end(record) - packetOffset)
    : new Message(topic, bytes.subarray(records.payloadOffset(record), records.payloadOffset(record) + records.payloadLength(record)),
      qos, retain, properties, expiresAt);
  const acl = session.acl;
  const aclDecision = acl?.mayPublish(message.topicName);
  const authorize = ctx.hooks.authorizePublish;
  if (authorize === undefined) return accept(ctx, connection, message, packetId, aclDecision ?? true);
  const event = publishEvent(connection, message);
  if (acl !== undefined) event.aclDecision = aclDecision;
  const decision = authorize(event);
  if (decision instanceof Promise) return decision.then((result) => accept(ctx, connection, message, packetId, result));
  return accept(ctx, connection, message, packetId, decision);
}

function accept(ctx: HandlerContext, connection: Connection, message: Message, packetId: number, decision: Awaited<Decision>): void {
  const refusal = decisionCode(decision, ReasonCode.NotAuthorized);
  if (refusal !== 0) {
    ctx.stats.droppedNotAuthorized++;
    return refuse(ctx, connection, message.qos, packetId, refusal, refusalProperties(decision));
  }
  const session = connection.session!;
  const stats = ctx.stats;
  stats.messagesIn++;
  stats.publishReceived[message.qos]++;
  stats.publishReceivedBytes[message.qos] += message.payloadLength;
  if (message.qos === 2) session.receivedQos2(packetId);
  const recipients = ctx.publish(message, session.subscriberId, connection.reach);
  const code = recipients === 0 && connection.protocolLevel === 5 && ctx.options.noMatchingSubscribersReasonCode
    ? ReasonCode.NoMatchingSubscribers : ReasonCode.Success; // v5 3.4.2.1, 3.5.2.1: a MAY, as Mosquitto and EMQX do
  if (message.qos !== 0) acknowledge(ctx, connection, message.qos, packetId, code);
  if (ctx.notify.observesPublish) ctx.notify.published(publishEvent(connection, message));
}

/** PUBACK or PUBREC with `code` (0x00, or v5 0x10 No matching subscribers) once everything written so far (the message,
 *  its queue entries, the packet id) is committed, in the order the publishes came. A failed commit refuses the publish:
 *  v5 with 0x80; 3.1.1 has no failure code in PUBACK/PUBREC, so the connection is closed and the client sends it again
 *  on reconnect [MQTT-4.4.0-1]. */
function acknowledge(ctx: HandlerContext, connection: Connection, qos: 1 | 2, packetId: number, code: number): void {
  const committed = ctx.store.whenCommitted();
  const type = qos === 1 ? PacketType.Puback : PacketType.Pubrec;
  if (committed === undefined) {
    connection.sendAck(type, packetId, code); // v5 [MQTT-4.3.2-4] [MQTT-4.3.3-8]
    return;
  }
  committed.then(() => connection.sendAck(type, packetId, code), () => refuseUnstored(ctx, connection, qos, packetId));
}

function refuseUnstored(ctx: HandlerContext, connection: Connection, qos: 1 | 2, packetId: number): void {
  ctx.stats.dropped++;
  if (qos === 2) connection.session?.pubrel(packetId);
  if (connection.protocolLevel === 5) connection.sendAck(qos === 1 ? PacketType.Puback : PacketType.Pubrec, packetId, ReasonCode.UnspecifiedError);
  else connection.close(ReasonCode.UnspecifiedError);
}

/** A refused PUBLISH: v5 acknowledges with the reason code; 3.1.1 acknowledges as usual and drops it, v3.1.1 [MQTT-3.3.5-2]. */
function refuse(ctx: HandlerContext, connection: Connection, qos: number, packetId: number, reasonCode: number,
                properties?: Properties): void {
  ctx.stats.dropped++;
  ctx.log.debug({ clientId: connection.client.clientId, reasonCode }, "publish refused");
  if (qos === 1) connection.sendAck(PacketType.Puback, packetId, reasonCode, properties);
  else if (qos === 2) {
    if (connection.protocolLevel !== 5) connection.session!.receivedQos2(packetId);
    connection.sendAck(PacketType.Pubrec, packetId, reasonCode, properties);
  }
}

function publishEvent(connection: Connection, message: Message): PublishEvent {
  return {
    client: connection.client, topicName: message.topicName, payload: message.payload,
    qos: message.qos, retain: message.retain, properties: message.properties ?? {},
  };
}

/** Levels of a topic name: its '/' separators plus one. */
function levels(topic: Uint8Array, start: number, end: number): number {
  let n = 1;
  for (let i = start; i < end; i++) if (topic[i] === 0x2f) n++;
  return n;
}
