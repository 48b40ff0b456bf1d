// publish → core match → per-recipient rules (granted QoS, retain-as-published, subscription
// identifiers) → the recipient session's window or queue, or an in-process subscription's handler.
// Retained messages on subscribe are delivered by handlers/subscribe.ts.
import type { TopicIndex } from "../core/topics.ts";
import type { Logger } from "../log.ts";
import { QOS_MASK, RETAIN_AS_PUBLISHED } from "../protocol/subscription-options.ts";
import type { Sessions } from "../session/registry.ts";
import { Session } from "../session/session.ts";
import type { LocalSubscription } from "./local.ts";
import type { Message } from "./message.ts";
import type { Reach } from "./reach.ts";

export class Router {
  constructor(private readonly topics: TopicIndex, private readonly sessions: Sessions, private readonly log: Logger) {}

  /** Delivers to every matching subscription; publisherId is the publishing session's subscriberId (no-local) or -1.
   *  `reach`, when the publisher is a connection: where its messages went (flow control reads it after the chunk).
   *  Returns how many subscriptions it went to (0: no matching subscribers, v5 3.4.2.1). */
  route(message: Message, publisherId: number, reach?: Reach): number {
    const topics = this.topics;
    const recipients = this.sessions.recipients;
    const count = message.topicInSource
      ? topics.matchIn(message.source!, message.topicOffset, message.topicLength, publisherId) : topics.match(message.topic, publisherId);
    let locals: LocalSubscription[] | undefined;
    let delivered = 0;
    for (let k = 0; k < count; k++) {
      const recipient = recipients[topics.matchSubscriber(k)];
      if (recipient === undefined) continue;
      if (recipient instanceof Session) {
        const options = topics.matchOptions(k);
        const granted = options & QOS_MASK;
        const qos = message.qos < granted ? message.qos : granted; // v5 [MQTT-3.8.4-8]
        const retain = message.retain && (options & RETAIN_AS_PUBLISHED) !== 0; // v5 [MQTT-3.3.1-12] [MQTT-3.3.1-13], v3.1.1 [MQTT-3.3.1-9]
        const ids = recipient.subscriptionIdCount > 0 ? topics.matchSubscriptionIds(k) : undefined;
        recipient.deliver(message, qos, retain, ids);
        delivered++;
        if (reach !== undefined) {
          const outlet = recipient.connection;
          if (outlet !== undefined) reach.reached(outlet);
        }
      } else {
        (locals ??= []).push(recipient);
      }
    }
    if (locals !== undefined) {
      delivered += locals.length;
      reach?.reachedLocal();
      const value = { topicName: message.topicName, payload: message.payload, qos: message.qos, retain: message.retain, properties: message.properties ?? {} };
      for (const local of locals) {
        try {
          local.handler(value);
        } catch (err) {
          this.log.error({ err, topicFilter: local.topicFilter }, "in-process subscriber failed");
        }
      }
    }
    return delivered;
  }
}
