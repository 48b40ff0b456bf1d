// What a session needs from the connection it is attached to (connection/connection.ts implements it), and from
// the broker around it: session/ depends on these two interfaces only, never on a connection or the broker.
import type { BrokerOptions } from "../config/options.ts";
import type { Will } from "../core/packets.ts";
import type { Logger } from "../log.ts";
import type { Message } from "../routing/message.ts";
import type { BrokerStats } from "../stats.ts";
import type { ClientAcl } from "../security/client-acl.ts";
import type { Store } from "../store/store.ts";
import type { ClientInfo } from "../hooks.ts";

export interface Outlet {
  /** The client's Receive Maximum: QoS 1/2 publishes we may have unacknowledged to it. */
  readonly sendQuota: number;
  /** The transport's buffer is over its high-water mark: QoS 1/2 messages wait in the queue. */
  readonly congested: boolean;
  /** Flow control let this reader go (connection/backpressure.ts): its queue may drop. */
  readonly slow: boolean;
  /** The reader is behind, not yet let go: a publisher that reaches only such readers is held (routing/reach.ts). */
  readonly behind: boolean;
  /** Writes one PUBLISH; false when it was dropped (expired, too large, or a QoS 0 backlog). */
  sendPublish(message: Message, qos: number, retain: boolean, dup: boolean, packetId: number, subscriptionIds: number[] | undefined): boolean;
  sendPubrel(packetId: number): void;
  /** The session's queue is long: hold the writers back. */
  pressWriters(): void;
  /** The session's queue shrank: writers may go again once the transport is low too. */
  relieve(): void;
  /** Server-side end (a session taken over). */
  disconnect(reasonCode: number): void;
  /** The session queue overflowed under queueOverflow "disconnect": DISCONNECT 0x97 once the current routing is done. */
  quotaExceeded(): void;
}

export interface SessionServices<S> {
  readonly options: Pick<BrokerOptions, "maxQueuedMessages" | "maxQueuedBytes" | "queueOverflow">;
  /** A session's first dropped QoS 1/2 message is logged (once per client). */
  readonly log: Logger;
  readonly stats: BrokerStats;
  /** Where a session with an expiry is written (session-storage.ts). */
  readonly store: Store;
  /** Publishes a will now, if the ACL file (`acl`: its client's rules, if one is configured) and the
   *  authorizePublish hook let `client` publish it. */
  publishWill(will: Will, acl: ClientAcl | undefined, client: ClientInfo | undefined): void;
  /** Ends a session (its expiry passed, or it ends with its connection). */
  endSession(session: S): void;
}
