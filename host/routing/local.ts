// In-process subscriptions made with broker.subscribe(): a handler instead of a session.
import type { Properties } from "../core/packets.ts";

export interface BrokerMessage {
  topicName: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  properties: Properties;
}

export class LocalSubscription {
  constructor(readonly topicFilter: string, readonly handler: (message: BrokerMessage) => void) {}
}
