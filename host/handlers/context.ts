// What a packet handler may use, and nothing else: the broker builds one HandlerContext and hands it to the
// dispatcher (handlers/index.ts). Handlers act on the connection they are given and on these services.
import type { BrokerOptions } from "../config/options.ts";
import type { PacketEncoder } from "../core/packet-encoder.ts";
import type { Records } from "../core/records.ts";
import type { TopicIndex } from "../core/topics.ts";
import type { Hooks } from "../hooks.ts";
import type { Logger } from "../log.ts";
import type { Notifier } from "../notify.ts";
import type { Message } from "../routing/message.ts";
import type { Reach } from "../routing/reach.ts";
import type { RetainedStore } from "../routing/retained.ts";
import type { Sessions } from "../session/registry.ts";
import type { BrokerStats } from "../stats.ts";
import type { Security } from "../security/security.ts";
import type { Store } from "../store/store.ts";

export interface HandlerContext {
  readonly options: BrokerOptions;
  /** Decisions (authenticate, authorize*); notifications go through `notify`. */
  readonly hooks: Hooks;
  readonly notify: Notifier;
  readonly log: Logger;
  readonly stats: BrokerStats;
  /** The ACL file, login throttle, auth methods, limits' counters. */
  readonly security: Security;
  /** Reads the framed packet's record. */
  readonly records: Records;
  /** Encodes what a handler answers (CONNACK, SUBACK, AUTH ...). */
  readonly encoder: PacketEncoder;
  readonly sessions: Sessions;
  /** The topic index (subscribe, unsubscribe). */
  readonly topics: TopicIndex;
  readonly retained: RetainedStore;
  /** Acknowledgements of QoS 1/2 publishes wait for its commit (handlers/publish.ts). */
  readonly store: Store;
  /** Stores a retained message when asked, then routes it; publisherId is the publisher's subscriberId (no-local);
   *  reach: where the publishing connection's messages went (flow control). Returns how many subscriptions it went to. */
  publish(message: Message, publisherId: number, reach?: Reach): number;
}
