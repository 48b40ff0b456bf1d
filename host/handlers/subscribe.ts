// SUBSCRIBE (spec 3.8): per filter the ACL file and authorizeSubscribe, the limits, QoS granted (capped by
// maximumQoS), the topic index, SUBACK reason codes, then retained messages per retain handling.
import type { Properties, SubscribePacket, Subscription } from "../core/packets.ts";
import type { Connection } from "../connection/connection.ts";
import type { Decision } from "../hooks.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { optionsByte } from "../protocol/subscription-options.ts";
import type { HandlerContext } from "./context.ts";
import { decisionCode, refusalProperties } from "./decision.ts";

export function handleSubscribe(ctx: HandlerContext, connection: Connection, bytes: Buffer, record: number): void | Promise<void> {
  const packet = ctx.records.subscribe(record, bytes);
  for (const subscription of packet.subscriptions) {
    if (subscription.noLocal && subscription.topicFilter.startsWith("$share/")) {
      throw new MqttError(ReasonCode.ProtocolError, "no-local on a shared subscription"); // v5 [MQTT-3.8.3-4]
    }
  }
  const acl = connection.session!.acl;
  const aclDecisions = acl?.mayEach(packet.subscriptions.map((s) => s.topicFilter));
  if (aclDecisions !== undefined) ctx.security.counters.aclSubscribeDenied += aclDecisions.filter((d) => !d).length;
  const authorize = ctx.hooks.authorizeSubscribe;
  if (authorize === undefined) return complete(ctx, connection, packet, aclDecisions);
  const decisions = packet.subscriptions.map((s, i) =>
    authorize({ client: connection.client, topicFilter: s.topicFilter, qos: s.qos, ...(aclDecisions ? { aclDecision: aclDecisions[i] } : {}) }));
  if (decisions.some((d) => d instanceof Promise)) {
    return Promise.all(decisions).then((results) => complete(ctx, connection, packet, results));
  }
  return complete(ctx, connection, packet, decisions as Array<Awaited<Decision>>);
}

function complete(ctx: HandlerContext, connection: Connection, packet: SubscribePacket, decisions: Array<Awaited<Decision>> | undefined): void {
  const session = connection.session!;
  if (session.connection !== connection) return;
  const v5 = connection.protocolLevel === 5;
  const subscriptionId = packet.properties.subscriptionIdentifiers?.[0] ?? 0;
  const reasonCodes: number[] = [];
  let diagnostics: Properties | undefined; // the first refusal's Reason String and User Properties, v5 3.9.2.1.2
  const retained: Array<[Subscription, number, boolean]> = [];
  for (let i = 0; i < packet.subscriptions.length; i++) {
    const subscription = packet.subscriptions[i]!;
    const decision = decisions?.[i] ?? true;
    const refusal = decisionCode(decision, ReasonCode.NotAuthorized);
    if (refusal !== 0) {
      diagnostics ??= refusalProperties(decision);
      reasonCodes.push(v5 ? refusal : ReasonCode.UnspecifiedError); // 3.1.1 has only 0x80 (failure)
      continue;
    }
    const limit = overLimit(ctx, connection, subscription.topicFilter);
    if (limit !== 0) {
      reasonCodes.push(v5 ? limit : ReasonCode.UnspecifiedError);
      continue;
    }
    let qos = Math.min(subscription.qos, ctx.options.maximumQoS);
    if (typeof decision === "number" && decision < qos) qos = decision;
    const options = optionsByte(qos, subscription.noLocal, subscription.retainAsPublished, subscription.retainHandling);
    const result = ctx.topics.subscribe(session.subscriberId, subscription.topicFilter, options, subscriptionId);
    if (result < 0) {
      reasonCodes.push(v5 ? -result : ReasonCode.UnspecifiedError);
      continue;
    }
    session.subscriptions.add(subscription.topicFilter, options, subscriptionId);
    reasonCodes.push(qos); // [MQTT-3.9.3-1]
    retained.push([subscription, qos, result === 0]);
    ctx.notify.subscribed({ client: connection.client, topicFilter: subscription.topicFilter, qos: qos as 0 | 1 | 2 });
  }
  session.persist();
  connection.write(ctx.encoder.encodeSubAck(PacketType.Suback, connection.protocolLevel, packet.packetId, reasonCodes, diagnostics)); // [MQTT-3.8.4-1]
  const now = Date.now();
  const ids = subscriptionId !== 0 ? [subscriptionId] : undefined;
  for (const [subscription, qos, isNew] of retained) {
    if (subscription.topicFilter.startsWith("$share/")) continue; // v5 4.8.2: no retained messages to shared subscriptions
    if (subscription.retainHandling === 2 || (subscription.retainHandling === 1 && !isNew)) continue; // v5 [MQTT-3.3.1-10] [MQTT-3.3.1-11]
    for (const message of ctx.retained.match(subscription.topicFilter, now)) {
      session.deliver(message, Math.min(qos, message.qos), true, ids); // v5 [MQTT-3.3.1-9], v3.1.1 [MQTT-3.3.1-6] [MQTT-3.3.1-8]
    }
  }
}

/** maxTopicLevels (0x8F Topic Filter invalid) and maxSubscriptionsPerClient (0x97 Quota exceeded); 0 when within both. */
function overLimit(ctx: HandlerContext, connection: Connection, topicFilter: string): number {
  const { options, security } = ctx;
  if (topicFilter.length >= options.maxTopicLevels && topicFilter.split("/").length > options.maxTopicLevels) {
    security.counters.topicLevelsOverLimit++;
    return ReasonCode.TopicFilterInvalid;
  }
  const subscriptions = connection.session!.subscriptions;
  if (subscriptions.size >= options.maxSubscriptionsPerClient && subscriptions.get(topicFilter) === undefined) {
    security.counters.subscriptionsOverLimit++;
    return ReasonCode.QuotaExceeded;
  }
  return 0;
}
