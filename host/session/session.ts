// One client's session (spec 4.1): its subscriptions, the outbound QoS 1/2 window and queue, the
// inbound QoS 2 packet ids awaiting PUBREL, expiry, and a delayed will. It outlives connections.
import type { Will } from "../core/packets.ts";
import type { Broker } from "../broker.ts";
import type { Connection } from "../connection/connection.ts";
import type { Message } from "../routing/message.ts";
import { OutboundQueue, OutboundStage, type Outbound } from "./inflight.ts";
import { LongTimer } from "./long-timer.ts";
import { PacketIds } from "./packet-ids.ts";
import type { ClientAcl } from "../security/client-acl.ts";

export interface SessionSubscription {
  /** The SUBSCRIBE options byte as granted. */
  options: number;
  subscriptionId: number;
}

/** Session Expiry Interval meaning "never expires". */
export const NEVER_EXPIRES = 0xffffffff;

/** What an idle session reads before it has anything in flight or queued (never written to). */
const NO_INFLIGHT: ReadonlyMap<number, Outbound> = new Map();
const NO_QUEUE = new OutboundQueue();

export class Session {
  connection: Connection | undefined;
  /** Subscriptions carrying a v5 subscription identifier (routing asks the core for ids only when > 0). */
  subscriptionIdCount = 0;
  /** Seconds after the connection closes before the session ends; NEVER_EXPIRES for never. */
  expiryInterval = 0;
  pendingWill: Will | undefined;
  /** The ACL file's rules for the client's identity (set at CONNECT); undefined without an ACL file: nothing to check. */
  acl: ClientAcl | undefined;
  // Made on first use: an idle session holds no Maps, Sets, queue or timers (a few hundred bytes each).
  private subscriptionMap: Map<string, SessionSubscription> | undefined;
  private inflightMap: Map<number, Outbound> | undefined;
  private queued: OutboundQueue | undefined;
  private packetIds: PacketIds | undefined;
  private inboundQos2Set: Set<number> | undefined;
  /** Session expiry and will delay: intervals up to 0xFFFFFFFE s, beyond what one setTimeout can wait. */
  private expiryTimer: LongTimer | undefined;
  private willTimer: LongTimer | undefined;
  ended = false;

  constructor(readonly broker: Broker, readonly clientId: string, readonly subscriberId: number) {}

  /** Subscriptions by topicFilter. */
  get subscriptions(): Map<string, SessionSubscription> {
    return this.subscriptionMap ??= new Map();
  }

  /** Outbound QoS 1/2 messages by packetId, awaiting their acknowledgement. */
  get inflight(): ReadonlyMap<number, Outbound> {
    return this.inflightMap ?? NO_INFLIGHT;
  }

  /** Messages waiting for a free slot in the window. */
  get queue(): Pick<OutboundQueue, "length" | "bytes"> {
    return this.queued ?? NO_QUEUE;
  }

  /** Packet ids of QoS 2 publishes received, PUBREC sent, PUBREL not yet received. */
  get inboundQos2(): Set<number> {
    return this.inboundQos2Set ??= new Set();
  }

  /** Topic filters of every subscription, forgotten (the registry has taken them out of the topic index). */
  takeSubscriptions(): Iterable<string> {
    const map = this.subscriptionMap;
    this.subscriptionMap = undefined;
    return map === undefined ? [] : map.keys();
  }

  /** Routes one message to this session at the granted QoS. */
  deliver(message: Message, qos: number, retain: boolean, subscriptionIds: number[] | undefined): void {
    if (this.acl !== undefined && !this.mayRead(message.topicName)) return;
    const connection = this.connection;
    if (qos === 0) {
      if (connection !== undefined) connection.sendPublish(message, 0, retain, false, 0, subscriptionIds);
      return;
    }
    const entry: Outbound = { packetId: 0, stage: OutboundStage.Queued, message: message.owned(), qos: qos as 1 | 2, retain, subscriptionIds };
    if (connection !== undefined && this.queue.length === 0 && this.inflight.size < connection.sendQuota && !connection.congested) {
      this.send(connection, entry);
      return;
    }
    const options = this.broker.options, limit = options.maxQueuedMessages, byteLimit = options.maxQueuedBytes;
    const length = this.queue.length, bytes = this.queue.bytes + entry.message.payload.length;
    // A connected reader that keeps up holds publishers back instead (connection/backpressure.ts);
    // only offline or slow sessions, or a queue far over a limit, drop.
    // An empty queue always takes one message, so a payload larger than maxQueuedBytes still reaches an offline session.
    const over = length >= limit || (bytes > byteLimit && length > 0);
    if (over && (connection === undefined || length >= limit * 8 || bytes > byteLimit * 8 || this.broker.backpressure.isSlow(connection))) {
      this.broker.stats.dropped++;
      return;
    }
    (this.queued ??= new OutboundQueue()).push(entry);
    if (connection !== undefined && (length >= limit >> 1 || bytes >= byteLimit / 2)) this.broker.backpressure.press(connection);
  }

  /** The ACL file's rules for this client, recompiled when the file was reloaded; undefined without an ACL file. */
  currentAcl(): ClientAcl | undefined {
    return this.acl === undefined ? undefined : (this.acl = this.broker.security.current(this.acl));
  }

  /** The ACL check of every delivery, on rules recompiled after a reload (so a revoked subscription stops receiving). */
  private mayRead(topicName: string): boolean {
    const security = this.broker.security;
    const acl = this.acl = security.current(this.acl!);
    if (acl.mayRead(topicName)) return true;
    security.counters.aclDeliveryDenied++;
    return false;
  }

  /** Assigns a packet id and writes the PUBLISH; false when it could not be sent (dropped or no id). */
  private send(connection: Connection, entry: Outbound): boolean {
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
    const connection = this.connection;
    if (connection === undefined) return;
    const queued = this.queued;
    while (queued !== undefined && queued.length > 0 && this.inflight.size < connection.sendQuota && !connection.congested) {
      if (!this.send(connection, queued.shift()!)) break;
    }
    connection.relieve();
  }

  /** After a reconnect with the session present: resend unacknowledged PUBLISH with DUP and PUBREL [MQTT-4.4.0-1]. */
  resend(connection: Connection): void {
    for (const entry of this.inflight.values()) {
      if (entry.stage === OutboundStage.AwaitPubcomp) connection.sendPubrel(entry.packetId);
      else connection.sendPublish(entry.message, entry.qos, entry.retain, true, entry.packetId, entry.subscriptionIds);
    }
  }

  /** Ends an outbound flow (PUBACK, PUBCOMP, or a failing PUBREC) and refills the window. */
  complete(packetId: number): boolean {
    if (this.inflightMap === undefined || !this.inflightMap.delete(packetId)) return false;
    this.drain();
    return true;
  }

  /** The connection attached: cancel expiry and a delayed will [MQTT-3.1.3-9]. */
  attach(connection: Connection): void {
    this.connection = connection;
    this.expiryTimer?.cancel();
    this.willTimer?.cancel();
    this.pendingWill = undefined;
  }

  /** The connection closed: publish or delay its will, then end the session or start its expiry. */
  detach(will: Will | undefined): void {
    this.connection = undefined;
    if (will !== undefined) {
      const delay = Math.min(will.properties.willDelayInterval ?? 0, this.expiryInterval);
      if (delay === 0) this.broker.publishWill(will, this.acl);
      else {
        this.pendingWill = will;
        (this.willTimer ??= new LongTimer(() => this.publishPendingWill())).start(delay);
      }
    }
    if (this.expiryInterval === 0) this.broker.sessions.end(this);
    else if (this.expiryInterval !== NEVER_EXPIRES) (this.expiryTimer ??= new LongTimer(() => this.broker.sessions.end(this))).start(this.expiryInterval); // v5 3.1.2.11.2: 0xFFFFFFFF never expires
  }

  private publishPendingWill(): void {
    const will = this.pendingWill;
    this.pendingWill = undefined;
    this.willTimer?.cancel();
    if (will !== undefined) this.broker.publishWill(will, this.acl);
  }

  /** Called by the session registry when the session ends: a delayed will goes out now [MQTT-3.1.2-8]. */
  release(): void {
    this.ended = true;
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
