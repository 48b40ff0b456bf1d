// SUBSCRIBE (spec 3.8): per filter authorizeSubscribe, QoS granted (capped by maximumQoS), the
// topic index, SUBACK reason codes, then retained messages per retain handling.
import type { SubscribePacket, Subscription } from "../core/packets.ts";
import type { Connection } from "../connection/connection.ts";
import type { Decision } from "../hooks.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { decisionCode } from "./decision.ts";

export function handleSubscribe(connection: Connection, bytes: Buffer, record: number): void | Promise<void> {
  const broker = connection.broker;
  const packet = broker.codec.readSubscribe(record, bytes);
  for (const subscription of packet.subscriptions) {
    if (subscription.noLocal && subscription.topicFilter.startsWith("$share/")) {
      throw new MqttError(ReasonCode.ProtocolError, "no-local on a shared subscription"); // v5 [MQTT-3.8.3-4]
    }
  }
  const acl = connection.session!.currentAcl();
  const aclDecisions = acl?.mayEach(packet.subscriptions.map((s) => s.topicFilter));
  if (aclDecisions !== undefined) broker.security.counters.aclSubscribeDenied += aclDecisions.filter((d) => !d).length;
  const authorize = broker.hooks.authorizeSubscribe;
  if (authorize === undefined) return complete(connection, packet, aclDecisions);
  const decisions = packet.subscriptions.map((s, i) =>
    authorize({ client: connection.client, topicFilter: s.topicFilter, qos: s.qos, ...(aclDecisions ? { aclDecision: aclDecisions[i] } : {}) }));
  if (decisions.some((d) => d instanceof Promise)) {
    return Promise.all(decisions).then((results) => complete(connection, packet, results));
  }
  return complete(connection, packet, decisions as Array<Awaited<Decision>>);
}

function complete(connection: Connection, packet: SubscribePacket, decisions: Array<Awaited<Decision>> | undefined): void {
  const broker = connection.broker;
  const session = connection.session!;
  if (session.connection !== connection) return;
  const v5 = connection.protocolLevel === 5;
  const subscriptionId = packet.properties.subscriptionIdentifiers?.[0] ?? 0;
  const reasonCodes: number[] = [];
  const retained: Array<[Subscription, number, boolean]> = [];
  for (let i = 0; i < packet.subscriptions.length; i++) {
    const subscription = packet.subscriptions[i]!;
    const decision = decisions?.[i] ?? true;
    const refusal = decisionCode(decision, ReasonCode.NotAuthorized);
    if (refusal !== 0) {
      reasonCodes.push(v5 ? refusal : ReasonCode.UnspecifiedError); // 3.1.1 has only 0x80 (failure)
      continue;
    }
    const limit = overLimit(connection, subscription.topicFilter);
    if (limit !== 0) {
      reasonCodes.push(v5 ? limit : ReasonCode.UnspecifiedError);
      continue;
    }
    let qos = Math.min(subscription.qos, broker.options.maximumQoS);
    if (typeof decision === "number" && decision < qos) qos = decision;
    const options = qos | (subscription.noLocal ? 4 : 0) | (subscription.retainAsPublished ? 8 : 0) | (subscription.retainHandling << 4);
    const result = broker.topics.subscribe(session.subscriberId, subscription.topicFilter, options, subscriptionId);
    if (result < 0) {
      reasonCodes.push(v5 ? -result : ReasonCode.UnspecifiedError);
      continue;
    }
    const previous = session.subscriptions.get(subscription.topicFilter);
    if (previous !== undefined && previous.subscriptionId !== 0) session.subscriptionIdCount--;
    if (subscriptionId !== 0) session.subscriptionIdCount++;
    session.subscriptions.set(subscription.topicFilter, { options, subscriptionId });
    reasonCodes.push(qos); // [MQTT-3.9.3-1]
    retained.push([subscription, qos, result === 0]);
    broker.hooks.onSubscribe?.({ client: connection.client, topicFilter: subscription.topicFilter, qos: qos as 0 | 1 | 2 });
    if (broker.listenerCount("subscribe") > 0) {
      broker.emit("subscribe", { client: connection.client, topicFilter: subscription.topicFilter, qos: qos as 0 | 1 | 2 });
    }
  }
  connection.write(broker.codec.encodeSubAck(PacketType.Suback, connection.protocolLevel, packet.packetId, reasonCodes)); // [MQTT-3.8.4-1]
  const now = Date.now();
  const ids = subscriptionId !== 0 ? [subscriptionId] : undefined;
  for (const [subscription, qos, isNew] of retained) {
    if (subscription.topicFilter.startsWith("$share/")) continue; // v5 4.8.2: no retained messages to shared subscriptions
    if (subscription.retainHandling === 2 || (subscription.retainHandling === 1 && !isNew)) continue; // v5 [MQTT-3.3.1-10] [MQTT-3.3.1-11]
    for (const message of broker.retained.match(subscription.topicFilter, now)) {
      session.deliver(message, Math.min(qos, message.qos), true, ids); // v5 [MQTT-3.3.1-9], v3.1.1 [MQTT-3.3.1-6] [MQTT-3.3.1-8]
    }
  }
}

/** maxTopicLevels (0x8F Topic Filter invalid) and maxSubscriptionsPerClient (0x97 Quota exceeded); 0 when within both. */
function overLimit(connection: Connection, topicFilter: string): number {
  const { options, security } = connection.broker;
  if (topicFilter.length >= options.maxTopicLevels && topicFilter.split("/").length > options.maxTopicLevels) {
    security.counters.topicLevelsOverLimit++;
    return ReasonCode.TopicFilterInvalid;
  }
  const subscriptions = connection.session!.subscriptions;
  if (subscriptions.size >= options.maxSubscriptionsPerClient && !subscriptions.has(topicFilter)) {
    security.counters.subscriptionsOverLimit++;
    return ReasonCode.QuotaExceeded;
  }
  return 0;
}
