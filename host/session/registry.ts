// All sessions by client id, and the recipients of the topic index by subscriberId (a dense small
// integer per session or in-process subscription, reused after release).
import type { BrokerOptions } from "../config/options.ts";
import type { Will } from "../core/packets.ts";
import type { TopicIndex } from "../core/topics.ts";
import type { Logger } from "../log.ts";
import type { LocalSubscription } from "../routing/local.ts";
import type { BrokerStats } from "../stats.ts";
import type { ClientAcl } from "../security/client-acl.ts";
import type { Store } from "../store/store.ts";
import type { SessionServices } from "./outlet.ts";
import { Session } from "./session.ts";
import type { ClientInfo } from "../hooks.ts";

export class Sessions implements SessionServices<Session> {
  readonly byClientId = new Map<string, Session>();
  /** Indexed by subscriberId: what the topic index's match results point at. */
  readonly recipients: Array<Session | LocalSubscription | undefined> = [];
  private readonly freeIds: number[] = [];

  /** `publishWill` publishes a will when a session's connection closes or its will delay passes. */
  constructor(private readonly topics: TopicIndex, readonly options: BrokerOptions, readonly stats: BrokerStats,
              readonly store: Store, readonly log: Logger, readonly publishWill: (will: Will, acl: ClientAcl | undefined, client: ClientInfo | undefined) => void) {}

  allocateId(recipient: Session | LocalSubscription | undefined): number {
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.recipients.length;
    this.recipients[id] = recipient;
    return id;
  }

  releaseId(id: number): void {
    this.recipients[id] = undefined;
    this.freeIds.push(id);
  }

  get(clientId: string): Session | undefined {
    return this.byClientId.get(clientId);
  }

  create(clientId: string): Session {
    const id = this.allocateId(undefined);
    const session = new Session(this, clientId, id);
    this.recipients[id] = session;
    this.byClientId.set(clientId, session);
    return session;
  }

  /** Ends a session: its subscriptions leave the topic index and its subscriberId is freed. */
  end(session: Session): void {
    if (session.ended) return;
    session.release();
    for (const topicFilter of session.takeSubscriptions()) this.topics.unsubscribe(session.subscriberId, topicFilter);
    this.releaseId(session.subscriberId);
    if (this.byClientId.get(session.clientId) === session) this.byClientId.delete(session.clientId);
  }

  endSession(session: Session): void {
    this.end(session);
  }

  /** Broker close: every timer off. */
  stop(): void {
    for (const session of this.byClientId.values()) session.stop();
  }
}
