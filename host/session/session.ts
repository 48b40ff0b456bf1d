// One client's session (spec 4.1): its subscriptions, the outbound QoS 1/2 window and queue, the
// inbound QoS 2 packet ids awaiting PUBREL, expiry, and a delayed will. It outlives connections; one with
// an expiry is also written to the store (session-storage.ts), kept in step by these methods.
import type { Will } from "../core/packets.ts";
import type { Message } from "../routing/message.ts";
import type { StoredSession } from "../store/store.ts";
import { OutboundQueue, OutboundStage, type Outbound } from "./inflight.ts";
import { LongTimer } from "./long-timer.ts";
import type { Outlet, SessionServices } from "./outlet.ts";
import { PacketIds } from "./packet-ids.ts";
import { SessionStorage } from "./session-storage.ts";
import { Subscriptions } from "./subscriptions.ts";
import type { ClientAcl } from "../security/client-acl.ts";

/** Session Expiry Interval meaning "never expires". */
export const NEVER_EXPIRES = 0xffffffff;

/** What an idle session reads before it has anything in flight or queued (never written to). */
const NO_INFLIGHT: ReadonlyMap<number, Outbound> = new Map();
const NO_QUEUE = new OutboundQueue();

/** What a PUBREC does to an outbound flow (handlers/pubrec.ts answers accordingly). */
export enum PubrecOutcome {
  /** No QoS 2 flow with that packet id: PUBREL with 0x92. */
  Unknown,
  /** A reason code >= 0x80 ended the flow. */
  Ended,
  /** The flow awaits PUBCOMP: send PUBREL. */
  Release,
}

export class Session {
  private attached: Outlet | undefined;
  private expiry = 0;
  private pendingWill: Will | undefined;
  private isEnded = false;
  // Made on first use: an idle session holds no Maps, Sets, queue or timers (a few hundred bytes each).
  private subscriptionSet: Subscriptions | undefined;
  private inflightMap: Map<number, Outbound> | undefined;
  private queued: OutboundQueue | undefined;
  private packetIds: PacketIds | undefined;
  private inboundQos2Set: Set<number> | undefined;
  /** Session expiry and will delay: intervals up to 0xFFFFFFFE s, beyond what one setTimeout can wait. */
  private expiryTimer: LongTimer | undefined;
  private willTimer: LongTimer | undefined;
  /** The ACL file's rules for the client's identity (set at CONNECT); undefined without an ACL file: nothing is checked. */
  private rules: ClientAcl | undefined;
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

  /** The ACL file's rules for the client now connected (CONNECT handler). */
  useAcl(acl: ClientAcl | undefined): void {
    this.rules = acl;
  }

  get acl(): ClientAcl | undefined {
    return this.rules;
  }

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
    return this.inflightMap ?? NO_INFLIGHT;
  }

  /** Messages waiting for a free slot in the window. */
  get queue(): Pick<OutboundQueue, "length" | "bytes"> {
    return this.queued ?? NO_QUEUE;
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
    const entry = this.inflightMap?.get(packetId);
    if (entry === undefined || entry.stage === OutboundStage.AwaitPuback) return PubrecOutcome.Unknown;
    if (reasonCode >= 0x80) {
      this.complete(packetId);
      return PubrecOutcome.Ended;
    }
    entry.stage = OutboundStage.AwaitPubcomp;
    this.storage?.entry(entry);
    return PubrecOutcome.Release;
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
    if (connection !== undefined && this.queue.length === 0 && this.inflight.size < connection.sendQuota && !connection.congested) {
      if (!this.send(connection, entry) || entry.stage !== OutboundStage.Queued) this.storage?.entry(entry); // queued again, or in flight
      return;
    }
    const options = this.services.options, limit = options.maxQueuedMessages, byteLimit = options.maxQueuedBytes;
    const length = this.queue.length, bytes = this.queue.bytes + entry.message.payload.length;
    // A connected reader that keeps up holds publishers back instead (connection/backpressure.ts);
    // only offline or slow sessions, or a queue far over a limit, drop.
    // An empty queue always takes one message, so a payload larger than maxQueuedBytes still reaches an offline session.
    const over = length >= limit || (bytes > byteLimit && length > 0);
    if (over && (connection === undefined || length >= limit * 8 || bytes > byteLimit * 8 || connection.slow)) {
      this.services.stats.dropped++;
      this.services.stats.droppedQueueFull++;
      return;
    }
    (this.queued ??= new OutboundQueue()).push(entry);
    this.storage?.entry(entry);
    if (connection !== undefined && (length >= limit >> 1 || bytes >= byteLimit / 2)) connection.pressWriters();
  }

  /** Assigns a packet id and writes the PUBLISH. False only when no packet id is free (the entry is queued again);
   *  true when it was written, and also when the connection dropped it (expired, too large: it is not kept). */
  private send(connection: Outlet, entry: Outbound): boolean {
    const inflight = this.inflightMap ??= new Map();
    const packetId = (this.packetIds ??= new PacketIds()).next(inflight);
    if (packetId === 0) {
      (this.queued ??= new OutboundQueue()).push(entry);
      return false;
    }
    if (!connection.sendPublish(entry.message, entry.qos, entry.retain, false, packetId, entry.subscriptionIds)) {
      this.storage?.entryDone(entry);
      return true;
    }
    entry.packetId = packetId;
    entry.stage = entry.qos === 1 ? OutboundStage.AwaitPuback : OutboundStage.AwaitPubrec;
    inflight.set(packetId, entry);
    if (entry.stored !== undefined) this.storage?.entry(entry);
    return true;
  }

  /** Sends queued messages while the window has room [MQTT-3.3.4-9]. */
  drain(): void {
    const connection = this.attached;
    if (connection === undefined) return;
    const queued = this.queued;
    while (queued !== undefined && queued.length > 0 && this.inflight.size < connection.sendQuota && !connection.congested) {
      if (!this.send(connection, queued.shift()!)) break;
    }
    connection.relieve();
  }

  /** After a reconnect with the session present: resend unacknowledged PUBLISH with DUP and PUBREL [MQTT-4.4.0-1]. */
  resend(connection: Outlet): void {
    for (const entry of this.inflight.values()) {
      if (entry.stage === OutboundStage.AwaitPubcomp) connection.sendPubrel(entry.packetId);
      else connection.sendPublish(entry.message, entry.qos, entry.retain, true, entry.packetId, entry.subscriptionIds);
    }
  }

  /** Ends an outbound flow (PUBACK, PUBCOMP, or a failing PUBREC) and refills the window. */
  private complete(packetId: number): boolean {
    const entry = this.inflightMap?.get(packetId);
    if (entry === undefined) return false;
    this.inflightMap!.delete(packetId);
    this.storage?.entryDone(entry);
    this.drain();
    return true;
  }

  /** Writes the session's record (expiry, subscriptions, will) when it has an expiry; a session whose expiry
   *  became 0 leaves the store. Called after each change of what the record holds. */
  persist(): void {
    if (this.isEnded) return;
    if (this.expiry > 0) {
      if (this.storage === undefined) {
        this.storage = new SessionStorage(this.services.store, this.clientId);
        this.storage.addAll(this.outbound(), this.inboundQos2Set ?? []);
      }
      this.storage.record(this.record());
    } else {
      this.unstore();
    }
  }

  private record(): StoredSession {
    const subscriptions = [];
    for (const [topicFilter, { options, subscriptionId }] of this.subscriptionSet?.entries() ?? []) subscriptions.push({ topicFilter, options, subscriptionId });
    const connected = this.attached !== undefined;
    return { clientId: this.clientId, expiryInterval: this.expiry, subscriptions,
      will: connected ? this.connectionWill : this.pendingWill, disconnectedAt: connected ? 0 : this.disconnectedAt };
  }

  private unstore(): void {
    this.storage?.delete(this.outbound(), this.inboundQos2Set ?? []);
    this.storage = undefined;
  }

  /** Every outbound entry, in flight then queued. */
  private *outbound(): IterableIterator<Outbound> {
    yield* this.inflight.values();
    if (this.queued !== undefined) yield* this.queued.entries();
  }

  /** The connection attached: cancel expiry and a delayed will [MQTT-3.1.3-9]. */
  attach(connection: Outlet, will: Will | undefined): void {
    this.attached = connection;
    this.connectionWill = will;
    this.expiryTimer?.cancel();
    this.willTimer?.cancel();
    this.pendingWill = undefined;
    this.persist();
  }

  /** Restart: the record's expiry and times, the queue and in-flight messages (session-record.ts). Returns a will
   *  whose delay ran out while the broker was down, for the caller to publish. */
  restore(record: StoredSession, outbound: Outbound[], inboundQos2: number[], now: number): Will | undefined {
    this.expiry = record.expiryInterval;
    const since = this.disconnectedAt = record.disconnectedAt;
    this.storage = new SessionStorage(this.services.store, this.clientId);
    for (const entry of outbound) {
      if (entry.stage === OutboundStage.Queued) (this.queued ??= new OutboundQueue()).push(entry);
      else (this.inflightMap ??= new Map()).set(entry.packetId, entry);
    }
    for (const packetId of inboundQos2) (this.inboundQos2Set ??= new Set()).add(packetId);
    if (this.expiry !== NEVER_EXPIRES) {
      (this.expiryTimer ??= new LongTimer(() => this.services.endSession(this))).start((since + this.expiry * 1000 - now) / 1000);
    }
    const will = record.will;
    if (will === undefined) return undefined;
    const dueAt = since + Math.min(will.properties.willDelayInterval ?? 0, this.expiry) * 1000;
    if (dueAt <= now) return will;
    this.pendingWill = will;
    (this.willTimer ??= new LongTimer(() => this.publishPendingWill())).start((dueAt - now) / 1000);
    return undefined;
  }

  /** The connection closed: publish or delay its will, then end the session or start its expiry. */
  detach(will: Will | undefined): void {
    this.attached = undefined;
    this.connectionWill = undefined;
    this.disconnectedAt = Date.now();
    if (will !== undefined) {
      const delay = Math.min(will.properties.willDelayInterval ?? 0, this.expiry);
      if (delay === 0) this.services.publishWill(will, this.rules);
      else {
        this.pendingWill = will;
        (this.willTimer ??= new LongTimer(() => this.publishPendingWill())).start(delay);
      }
    }
    if (this.expiry === 0) this.services.endSession(this);
    else if (this.expiry !== NEVER_EXPIRES) (this.expiryTimer ??= new LongTimer(() => this.services.endSession(this))).start(this.expiry); // v5 3.1.2.11.2: 0xFFFFFFFF never expires
    this.persist();
  }

  private publishPendingWill(): void {
    const will = this.pendingWill;
    this.pendingWill = undefined;
    this.willTimer?.cancel();
    if (will === undefined) return;
    this.services.publishWill(will, this.rules);
    this.persist();
  }

  /** Called by the session registry when the session ends: a delayed will goes out now [MQTT-3.1.2-8]. */
  release(): void {
    this.unstore();
    this.isEnded = true;
    this.expiryTimer?.cancel();
    this.publishPendingWill();
    this.inflightMap = undefined;
    this.queued = undefined;
    this.inboundQos2Set = undefined;
  }

  /** Timers off without publishing anything (broker close). */
  stop(): void {
    this.expiryTimer?.cancel();
    this.willTimer?.cancel();
  }
}
