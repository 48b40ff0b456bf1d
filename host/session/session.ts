// One client's session (spec 4.1): its subscriptions, the outbound QoS 1/2 window and queue, the
// inbound QoS 2 packet ids awaiting PUBREL, expiry, and a delayed will. It outlives connections.
import type { Will } from "../core/packets.ts";
import type { Message } from "../routing/message.ts";
import { OutboundQueue, OutboundStage, type Outbound } from "./inflight.ts";
import { LongTimer } from "./long-timer.ts";
import type { Outlet, SessionServices } from "./outlet.ts";
import { PacketIds } from "./packet-ids.ts";
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
  }

  /** PUBREL: the packet id is free again; false when it was not awaiting PUBREL. */
  pubrel(packetId: number): boolean {
    return this.inboundQos2Set !== undefined && this.inboundQos2Set.delete(packetId);
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
      this.send(connection, entry);
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
      return;
    }
    (this.queued ??= new OutboundQueue()).push(entry);
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
    if (!connection.sendPublish(entry.message, entry.qos, entry.retain, false, packetId, entry.subscriptionIds)) return true;
    entry.packetId = packetId;
    entry.stage = entry.qos === 1 ? OutboundStage.AwaitPuback : OutboundStage.AwaitPubrec;
    inflight.set(packetId, entry);
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
    if (this.inflightMap === undefined || !this.inflightMap.delete(packetId)) return false;
    this.drain();
    return true;
  }

  /** The connection attached: cancel expiry and a delayed will [MQTT-3.1.3-9]. */
  attach(connection: Outlet): void {
    this.attached = connection;
    this.expiryTimer?.cancel();
    this.willTimer?.cancel();
    this.pendingWill = undefined;
  }

  /** The connection closed: publish or delay its will, then end the session or start its expiry. */
  detach(will: Will | undefined): void {
    this.attached = undefined;
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
  }

  private publishPendingWill(): void {
    const will = this.pendingWill;
    this.pendingWill = undefined;
    this.willTimer?.cancel();
    if (will !== undefined) this.services.publishWill(will, this.rules);
  }

  /** Called by the session registry when the session ends: a delayed will goes out now [MQTT-3.1.2-8]. */
  release(): void {
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
