// One client's session (spec 4.1): its subscriptions, the outbound QoS 1/2 flows (outbound-flows.ts), the inbound
// QoS 2 packet ids awaiting PUBREL, expiry and a delayed will (session-clocks.ts). It outlives connections; one with
// an expiry is also written to the store (session-storage.ts), kept in step by these methods.
import type { Will } from "../core/packets.ts";
import type { Message } from "../routing/message.ts";
import type { StoredSession } from "../store/store.ts";
import { OutboundStage, type Outbound, type OutboundQueue } from "./inflight.ts";
import { NO_INFLIGHT, NO_QUEUE, OutboundFlows, PubrecOutcome } from "./outbound-flows.ts";
import type { Outlet, SessionServices } from "./outlet.ts";
import { NEVER_EXPIRES, SessionClocks } from "./session-clocks.ts";
import { SessionStorage } from "./session-storage.ts";
import { Subscriptions } from "./subscriptions.ts";
import type { ClientAcl } from "../security/client-acl.ts";
import type { ClientInfo } from "../hooks.ts";

export { NEVER_EXPIRES, PubrecOutcome };

export class Session {
  private attached: Outlet | undefined;
  private expiry = 0;
  private isEnded = false;
  // Made on first use: an idle session holds no Maps, Sets, queue or timers (a few hundred bytes each).
  private subscriptionSet: Subscriptions | undefined;
  private flows: OutboundFlows | undefined;
  private inboundQos2Set: Set<number> | undefined;
  /** Session expiry and will delay, made when the first connection closes or at restore. */
  private clocks: SessionClocks | undefined;
  /** The ACL file's rules for the client's identity (set at CONNECT); undefined without an ACL file: nothing is checked. */
  private rules: ClientAcl | undefined;
  private owner: ClientInfo | undefined;
  /** The attached connection's will (written with the record, so a crash keeps it). */
  private connectionWill: Will | undefined;
  /** Date.now() when the last connection closed. */
  private disconnectedAt = 0;
  /** Its side of the store, while the session has an expiry (sessions with expiry 0 are never written). */
  private storage: SessionStorage | undefined;

  constructor(private readonly services: SessionServices<Session>, readonly clientId: string, readonly subscriberId: number) {}

  /** The connection attached, if any. */
  get connection(): Outlet | undefined {
    return this.attached;
  }

  /** Subscriptions carrying a v5 subscription identifier (routing asks the core for ids only when > 0). */
  get subscriptionIdCount(): number {
    return this.subscriptionSet === undefined ? 0 : this.subscriptionSet.subscriptionIdCount;
  }

  /** Seconds after the connection closes before the session ends; NEVER_EXPIRES for never. */
  get expiryInterval(): number {
    return this.expiry;
  }

  /** Sets the Session Expiry Interval (CONNECT, or a v5 DISCONNECT). */
  expireAfter(seconds: number): void {
    this.expiry = seconds;
  }

  /** The client and its ACL rules (at CONNECT; at the restart, from the record, which keeps its username and level). */
  useAcl(acl: ClientAcl | undefined, client: ClientInfo): void {
    this.rules = acl;
    this.owner = client;
  }

  get acl(): ClientAcl | undefined {
    return this.rules;
  }

  /** Whose session this is, for the checks of its will (its last CONNECT, or the stored record after a restart). */
  get client(): ClientInfo | undefined { return this.owner; }

  /** The registry has ended this session. */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Subscriptions by topicFilter (the SUBSCRIBE and UNSUBSCRIBE handlers keep them beside the topic index). */
  get subscriptions(): Subscriptions {
    return this.subscriptionSet ??= new Subscriptions();
  }

  /** Outbound QoS 1/2 messages by packetId, awaiting their acknowledgement. */
  get inflight(): ReadonlyMap<number, Outbound> {
    return this.flows?.inflight ?? NO_INFLIGHT;
  }

  /** Messages waiting for a free slot in the window. */
  get queue(): Pick<OutboundQueue, "length" | "bytes"> {
    return this.flows?.queue ?? NO_QUEUE;
  }

  /** A QoS 2 publish with this packet id was received, PUBREC sent, PUBREL not yet received. */
  awaitsPubrel(packetId: number): boolean {
    return this.inboundQos2Set !== undefined && this.inboundQos2Set.has(packetId);
  }

  /** Inbound QoS 2 publishes awaiting PUBREL. */
  get inboundQos2Count(): number {
    return this.inboundQos2Set === undefined ? 0 : this.inboundQos2Set.size;
  }

  /** A QoS 2 publish was received and PUBREC sent: its packet id awaits PUBREL. */
  receivedQos2(packetId: number): void {
    (this.inboundQos2Set ??= new Set()).add(packetId);
    this.storage?.qos2Received(packetId);
  }

  /** PUBREL: the packet id is free again; false when it was not awaiting PUBREL. */
  pubrel(packetId: number): boolean {
    if (this.inboundQos2Set === undefined || !this.inboundQos2Set.delete(packetId)) return false;
    this.storage?.qos2Released(packetId);
    return true;
  }

  /** PUBACK: ends an outbound QoS 1 flow; ignored unless packetId awaits one. */
  puback(packetId: number): void {
    if (this.inflight.get(packetId)?.stage === OutboundStage.AwaitPuback) this.complete(packetId);
  }

  /** PUBREC [MQTT-4.3.3-4]: the QoS 2 flow moves to AwaitPubcomp, or ends when the reason code is >= 0x80 (v5). */
  pubrec(packetId: number, reasonCode: number): PubrecOutcome {
    if (this.flows === undefined) return PubrecOutcome.Unknown;
    const outcome = this.flows.pubrec(packetId, reasonCode, this.storage);
    if (outcome === PubrecOutcome.Ended) this.drain();
    return outcome;
  }

  /** PUBCOMP: ends an outbound QoS 2 flow; ignored unless packetId awaits one. */
  pubcomp(packetId: number): void {
    if (this.inflight.get(packetId)?.stage === OutboundStage.AwaitPubcomp) this.complete(packetId);
  }

  /** Topic filters of every subscription, forgotten (the registry has taken them out of the topic index). */
  takeSubscriptions(): Iterable<string> {
    const subscriptions = this.subscriptionSet;
    this.subscriptionSet = undefined;
    return subscriptions === undefined ? [] : subscriptions.topicFilters();
  }

  /** Routes one message to this session at the granted QoS. */
  deliver(message: Message, qos: number, retain: boolean, subscriptionIds: number[] | undefined): void {
    if (this.rules !== undefined && !this.rules.mayRead(message.topicName)) return; // a revoked subscription stops here
    const connection = this.attached;
    if (qos === 0) {
      if (connection !== undefined) connection.sendPublish(message, 0, retain, false, 0, subscriptionIds);
      return;
    }
    const entry: Outbound = { packetId: 0, stage: OutboundStage.Queued, message: message.owned(), qos: qos as 1 | 2, retain, subscriptionIds };
    (this.flows ??= new OutboundFlows(this.services, this.clientId)).deliver(connection, entry, this.storage);
  }

  /** Sends queued messages while the window has room [MQTT-3.3.4-9]. */
  drain(): void {
    const connection = this.attached;
    if (connection === undefined) return;
    this.flows?.drain(connection, this.storage);
    connection.relieve();
  }

  /** After a reconnect with the session present: resend unacknowledged PUBLISH with DUP and PUBREL [MQTT-4.4.0-1]. */
  resend(connection: Outlet): void {
    this.flows?.resend(connection);
  }

  /** Ends an outbound flow (PUBACK, PUBCOMP) and refills the window. */
  private complete(packetId: number): void {
    this.flows!.complete(packetId, this.storage);
    this.drain();
  }

  /** Writes the session's record (expiry, subscriptions, will) when it has an expiry; a session whose expiry
   *  became 0 leaves the store. Called after each change of what the record holds. */
  persist(): void {
    if (this.isEnded) return;
    if (this.expiry > 0) {
      if (this.storage === undefined) {
        this.storage = new SessionStorage(this.services.store, this.clientId);
        this.storage.addAll(this.flows?.entries() ?? [], this.inboundQos2Set ?? []);
      }
      const connected = this.attached !== undefined;
      this.storage.record(this.owner, this.expiry, this.subscriptionSet,
        connected ? this.connectionWill : this.clocks?.pendingWill, connected ? 0 : this.disconnectedAt);
    } else {
      this.unstore();
    }
  }

  private unstore(): void {
    this.storage?.delete(this.flows?.entries() ?? [], this.inboundQos2Set ?? []);
    this.storage = undefined;
  }

  /** The connection attached: cancel expiry and a delayed will [MQTT-3.1.3-9]. */
  attach(connection: Outlet, will: Will | undefined): void {
    this.attached = connection;
    this.connectionWill = will;
    this.clocks?.cancel();
    this.persist();
  }

  /** Restart: the record's expiry and times, the queue and in-flight messages (session-record.ts). Returns a will
   *  whose delay ran out while the broker was down, for the caller to publish. */
  restore(record: StoredSession, outbound: Outbound[], inboundQos2: number[], now: number): Will | undefined {
    this.expiry = record.expiryInterval;
    const since = this.disconnectedAt = record.disconnectedAt;
    this.storage = new SessionStorage(this.services.store, this.clientId);
    if (outbound.length > 0) (this.flows ??= new OutboundFlows(this.services, this.clientId)).restore(outbound);
    for (const packetId of inboundQos2) (this.inboundQos2Set ??= new Set()).add(packetId);
    return this.makeClocks().restore(this.expiry, since, record.will, now);
  }

  /** The connection closed: publish or delay its will, then end the session or start its expiry. */
  detach(will: Will | undefined): void {
    this.attached = undefined;
    this.connectionWill = undefined;
    this.disconnectedAt = Date.now();
    if (will !== undefined) {
      const delay = Math.min(will.properties.willDelayInterval ?? 0, this.expiry);
      if (delay === 0) this.services.publishWill(will, this.rules, this.owner);
      else this.makeClocks().delayWill(will, delay);
    }
    if (this.expiry === 0) this.services.endSession(this);
    else if (this.expiry !== NEVER_EXPIRES) this.makeClocks().expireIn(this.expiry); // v5 3.1.2.11.2: 0xFFFFFFFF never expires
    this.persist();
  }

  private makeClocks(): SessionClocks {
    return this.clocks ??= new SessionClocks(() => this.services.endSession(this), (will) => {
      this.services.publishWill(will, this.rules, this.owner);
      this.persist();
    });
  }

  /** Called by the session registry when the session ends: a delayed will goes out now [MQTT-3.1.2-8]. */
  release(): void {
    this.unstore();
    this.isEnded = true;
    this.clocks?.stopExpiry();
    this.clocks?.publishPendingWill();
    this.flows = undefined;
    this.inboundQos2Set = undefined;
  }

  /** Timers off without publishing anything (broker close). */
  stop(): void {
    this.clocks?.stop();
  }
}
