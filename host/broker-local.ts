// The broker's in-process API (Broker.publish, Broker.subscribe): the embedding service publishes and subscribes
// as a client with no session; broker.ts passes in the parts each call needs.
import type { Properties } from "./core/packets.ts";
import type { TopicIndex } from "./core/topics.ts";
import { MqttError } from "./protocol/mqtt-error.ts";
import { ReasonCode } from "./protocol/reason-code.ts";
import { LocalSubscription, type BrokerMessage } from "./routing/local.ts";
import { messageFrom, type Message } from "./routing/message.ts";
import type { RetainedStore } from "./routing/retained.ts";
import type { Sessions } from "./session/registry.ts";
import type { BrokerStats } from "./stats.ts";

export interface PublishOptions {
  topicName: string;
  payload: Buffer | Uint8Array | string;
  qos?: 0 | 1 | 2;
  retain?: boolean;
  properties?: Properties;
}

/** The message a host publish routes, counted as received; throws MqttError for an invalid topic name. */
export function hostMessage(topics: TopicIndex, stats: BrokerStats, options: PublishOptions): Message {
  const { topicName, qos = 0, retain = false, properties } = options;
  if (topics.checkTopicName(topicName) < 0) throw new MqttError(ReasonCode.TopicNameInvalid, `invalid topic name: ${topicName}`);
  const payload = typeof options.payload === "string" ? Buffer.from(options.payload)
    : Buffer.isBuffer(options.payload) ? options.payload : Buffer.from(options.payload.buffer, options.payload.byteOffset, options.payload.byteLength);
  stats.messagesIn++;
  stats.publishReceived[qos]++;
  stats.publishReceivedBytes[qos] += payload.length;
  return messageFrom(topicName, payload, qos, retain, properties);
}

/** An in-process subscription; returns its unsubscribe function. Retained messages are delivered first. */
export function subscribeLocal(topics: TopicIndex, sessions: Sessions, retained: RetainedStore, topicFilter: string,
  handler: (message: BrokerMessage) => void): () => void {
  const local = new LocalSubscription(topicFilter, handler);
  const subscriberId = sessions.allocateId(local);
  const result = topics.subscribe(subscriberId, topicFilter, 2, 0);
  if (result < 0) {
    sessions.releaseId(subscriberId);
    throw new MqttError(-result, `invalid topic filter: ${topicFilter}`);
  }
  for (const message of retained.match(topicFilter, Date.now())) {
    handler({ topicName: message.topicName, payload: message.payload, qos: message.qos, retain: true, properties: message.properties ?? {} });
  }
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    topics.unsubscribe(subscriberId, topicFilter);
    sessions.releaseId(subscriberId);
  };
}
