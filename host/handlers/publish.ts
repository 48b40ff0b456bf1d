// PUBLISH from a client (spec 3.3): topic aliases, server limits, the QoS 2 duplicate rule, $-topics,
// authorizePublish, then retain + route and the acknowledgement. Topic and payload are slices of the chunk.
import {
  R_EXTRA, R_FLAGS, R_PACKET_ID, R_PAYLOAD_LENGTH, R_PAYLOAD_OFFSET, R_PROPS_COUNT, R_TOPIC_LENGTH, R_TOPIC_OFFSET,
} from "../core/layout.ts";
import type { Properties } from "../core/packets.ts";
import type { Connection } from "../connection/connection.ts";
import type { Decision, PublishEvent } from "../hooks.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { Message } from "../routing/message.ts";
import { decisionCode } from "./decision.ts";
import { takePublish } from "../security/connection-limits.ts";

const DOLLAR = 0x24;

export function handlePublish(connection: Connection, bytes: Buffer, record: number): void | Promise<void> {
  const broker = connection.broker;
  const codec = broker.codec;
  const options = broker.options;
  const flags = codec.word(record, R_FLAGS);
  const qos = ((flags >> 1) & 3) as 0 | 1 | 2;
  const retain = (flags & 1) !== 0;
  const packetId = codec.word(record, R_PACKET_ID);
  const session = connection.session!;
  if (qos > options.maximumQoS) throw new MqttError(ReasonCode.QoSNotSupported); // v5 [MQTT-3.2.2-11]
  if (retain && !options.retainAvailable) throw new MqttError(ReasonCode.RetainNotSupported); // v5 [MQTT-3.2.2-14]
  const topicOffset = codec.word(record, R_TOPIC_OFFSET);
  const topicLength = codec.word(record, R_TOPIC_LENGTH);
  let topic: Uint8Array = bytes.subarray(topicOffset, topicOffset + topicLength);
  let properties: Properties | undefined;
  let expiresAt = 0;
  if (connection.protocolLevel === 5) {
    const alias = codec.word(record, R_EXTRA);
    if (alias !== 0 || topicLength === 0) topic = resolveAlias(connection, topic, alias);
    if (codec.word(record, R_PROPS_COUNT) > 0) {
      const { topicAlias: _alias, messageExpiryInterval, subscriptionIdentifiers, ...rest } = codec.readProperties(record, bytes);
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
    if (session.inboundQos2.has(packetId)) { // v5 [MQTT-4.3.3-10] a resent QoS 2 PUBLISH is not delivered again
      connection.sendAck(PacketType.Pubrec, packetId, ReasonCode.Success);
      return;
    }
    if (session.inboundQos2.size >= options.receiveMaximum) throw new MqttError(ReasonCode.ReceiveMaximumExceeded); // v5 [MQTT-3.3.4-7]
  }
  if (topic[0] === DOLLAR) return refuse(connection, qos, packetId, ReasonCode.TopicNameInvalid);
  if (topic.length >= options.maxTopicLevels && levels(topic) > options.maxTopicLevels) {
    broker.security.counters.topicLevelsOverLimit++;
    return refuse(connection, qos, packetId, ReasonCode.TopicNameInvalid);
  }
  const payloadOffset = codec.word(record, R_PAYLOAD_OFFSET);
  const payload = bytes.subarray(payloadOffset, payloadOffset + codec.word(record, R_PAYLOAD_LENGTH));
  takePublish(connection, payload.length);
  const message = new Message(topic, payload, qos, retain, properties, expiresAt);
  const acl = session.currentAcl();
  const aclDecision = acl?.mayPublish(message.topicName);
  if (aclDecision === false) broker.security.counters.aclPublishDenied++;
  const authorize = broker.hooks.authorizePublish;
  if (authorize === undefined) return accept(connection, message, packetId, aclDecision ?? true);
  const event = publishEvent(connection, message);
  if (acl !== undefined) event.aclDecision = aclDecision;
  const decision = authorize(event);
  if (decision instanceof Promise) return decision.then((result) => accept(connection, message, packetId, result));
  return accept(connection, message, packetId, decision);
}

function accept(connection: Connection, message: Message, packetId: number, decision: Awaited<Decision>): void {
  const refusal = decisionCode(decision, ReasonCode.NotAuthorized);
  if (refusal !== 0) return refuse(connection, message.qos, packetId, refusal);
  const broker = connection.broker;
  const session = connection.session!;
  broker.stats.messagesIn++;
  if (message.qos === 2) session.inboundQos2.add(packetId);
  broker.publishMessage(message, session.subscriberId);
  if (message.qos === 1) connection.sendAck(PacketType.Puback, packetId, ReasonCode.Success); // v5 [MQTT-4.3.2-4]
  else if (message.qos === 2) connection.sendAck(PacketType.Pubrec, packetId, ReasonCode.Success); // v5 [MQTT-4.3.3-8]
  const onPublish = broker.hooks.onPublish;
  if (onPublish !== undefined || broker.listenerCount("publish") > 0) {
    const event = publishEvent(connection, message);
    onPublish?.(event);
    broker.emit("publish", event);
  }
}

/** A refused PUBLISH: v5 acknowledges with the reason code; 3.1.1 acknowledges as usual and drops it, v3.1.1 [MQTT-3.3.5-2]. */
function refuse(connection: Connection, qos: number, packetId: number, reasonCode: number): void {
  const broker = connection.broker;
  broker.stats.dropped++;
  broker.log.debug({ clientId: connection.client.clientId, reasonCode }, "publish refused");
  if (qos === 1) connection.sendAck(PacketType.Puback, packetId, reasonCode);
  else if (qos === 2) {
    if (connection.protocolLevel !== 5) connection.session!.inboundQos2.add(packetId);
    connection.sendAck(PacketType.Pubrec, packetId, reasonCode);
  }
}

/** Levels of a topic name: its '/' separators plus one. */
function levels(topic: Uint8Array): number {
  let n = 1;
  for (let i = 0; i < topic.length; i++) if (topic[i] === 0x2f) n++;
  return n;
}

/** v5 topic aliases towards us (spec 3.3.2.3.4). */
function resolveAlias(connection: Connection, topic: Uint8Array, alias: number): Uint8Array {
  if (alias === 0) throw new MqttError(ReasonCode.ProtocolError, "empty topic name without topic alias");
  if (alias > connection.broker.options.topicAliasMaximum) throw new MqttError(ReasonCode.TopicAliasInvalid); // v5 [MQTT-3.3.2-9]
  const aliases = (connection.topicAliases ??= []);
  if (topic.length > 0) {
    aliases[alias] = Buffer.from(topic);
    return topic;
  }
  const known = aliases[alias];
  if (known === undefined) throw new MqttError(ReasonCode.ProtocolError, "unknown topic alias");
  return known;
}

function publishEvent(connection: Connection, message: Message): PublishEvent {
  return {
    client: connection.client, topicName: message.topicName, payload: message.payload,
    qos: message.qos, retain: message.retain, properties: message.properties ?? {},
  };
}
