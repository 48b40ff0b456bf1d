// The store's side of one session with an expiry: its record, its outbound entries (queued, in flight,
// moved on by PUBREC) and its inbound QoS 2 packet ids. A Session holds one only while it has an expiry;
// sessions with expiry 0 are never written.
import type { Will } from "../core/packets.ts";
import type { ClientInfo } from "../hooks.ts";
import type { Store } from "../store/store.ts";
import type { Outbound } from "./inflight.ts";
import type { Subscriptions } from "./subscriptions.ts";

export class SessionStorage {
  constructor(private readonly store: Store, private readonly clientId: string) {}

  /** Writes the session's record: whose it is (its last CONNECT's username and level), its expiry and subscriptions,
   *  the will (the connection's, or once disconnected the one waiting for its delay) and when it disconnected (0: connected). */
  record(owner: ClientInfo | undefined, expiryInterval: number, subscriptionSet: Subscriptions | undefined, will: Will | undefined,
    disconnectedAt: number): void {
    const subscriptions = [];
    for (const [topicFilter, { options, subscriptionId }] of subscriptionSet?.entries() ?? []) subscriptions.push({ topicFilter, options, subscriptionId });
    this.store.putSession({ clientId: this.clientId, username: owner?.username, protocolLevel: owner?.protocolLevel, expiryInterval,
      subscriptions, will, disconnectedAt });
  }

  /** Writes an outbound entry's state: added when new, updated after a send or a PUBREC. */
  entry(entry: Outbound): void {
    const stored = entry.stored;
    if (stored === undefined) {
      entry.stored = this.store.addEntry(this.clientId, entry.message, entry.qos, entry.retain, entry.subscriptionIds, entry.packetId, entry.stage);
      return;
    }
    stored.packetId = entry.packetId;
    stored.stage = entry.stage;
    this.store.updateEntry(this.clientId, stored);
  }

  /** The flow ended (acknowledged, refused, or the message dropped): the entry goes. */
  entryDone(entry: Outbound): void {
    if (entry.stored === undefined) return;
    this.store.removeEntry(this.clientId, entry.stored);
    entry.stored = undefined;
  }

  qos2Received(packetId: number): void {
    this.store.addInboundQos2(this.clientId, packetId);
  }

  qos2Released(packetId: number): void {
    this.store.removeInboundQos2(this.clientId, packetId);
  }

  /** A session written for the first time with state already (a v5 client raised its expiry on DISCONNECT). */
  addAll(outbound: Iterable<Outbound>, inboundQos2: Iterable<number>): void {
    for (const entry of outbound) this.entry(entry);
    for (const packetId of inboundQos2) this.qos2Received(packetId);
  }

  /** The session leaves the store: it ended, or its expiry became 0. */
  delete(outbound: Iterable<Outbound>, inboundQos2: Iterable<number>): void {
    const entries = [];
    for (const entry of outbound) {
      if (entry.stored !== undefined) entries.push(entry.stored);
      entry.stored = undefined;
    }
    this.store.deleteSession(this.clientId, entries, inboundQos2);
  }
}
