// One client's session (spec 4.1): its subscriptions, the outbound QoS 1/2 window and queue, the
// inbound QoS 2 packet ids awaiting PUBREL, expiry, and a delayed will. It outlives connections.
import type { Will } from "../core/packets.ts";
import type { Broker } from "../broker.ts";
import type { Connection } from "../connection/connection.ts";
import type { Message } from "../routing/message.ts";
import { OutboundQueue, OutboundStage, type Outbound } from "./inflight.ts";
import { LongTimer } from "./long-timer.ts";
import { PacketIds } from "./packet-ids.ts";

export interface SessionSubscription {
  /** The SUBSCRIBE options byte as granted. */
  options: number;
  subscriptionId: number;
}

/** Session Expiry Interval meaning "never expires". */
export const NEVER_EXPIRES = 0xffffffff;

export class Session {
  connection: Connection | undefined;
  readonly subscriptions = new Map<string, SessionSubscription>();
  /** Subscriptions carrying a v5 subscription identifier (routing asks the core for ids only when > 0). */
  subscriptionIdCount = 0;
  /** Seconds after the connection closes before the session ends; NEVER_EXPIRES for never. */
  expiryInterval = 0;
  readonly inflight = new Map<number, Outbound>();
  readonly queue = new OutboundQueue();
  readonly packetIds = new PacketIds();
  /** Packet ids of QoS 2 publishes received, PUBREC sent, PUBREL not yet received. */
  readonly inboundQos2 = new Set<number>();
  pendingWill: Will | undefined;
  /** Session expiry and will delay: intervals up to 0xFFFFFFFE s, beyond what one setTimeout can wait. */
  private readonly expiryTimer = new LongTimer(() => this.broker.sessions.end(this));
  private readonly willTimer = new LongTimer(() => this.publishPendingWill());
  ended = false;

  constructor(readonly broker: Broker, readonly clientId: string, readonly subscriberId: number) {}

  /** Routes one message to this session at the granted QoS. */
  deliver(message: Message, qos: number, retain: boolean, subscriptionIds: number[] | undefined): void {
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
    this.queue.push(entry);
    if (connection !== undefined && (length >= limit >> 1 || bytes >= byteLimit / 2)) this.broker.backpressure.press(connection);
  }

  /** Assigns a packet id and writes the PUBLISH; false when it could not be sent (dropped or no id). */
  private send(connection: Connection, entry: Outbound): boolean {
    const packetId = this.packetIds.next(this.inflight);
    if (packetId === 0) {
      this.queue.push(entry);
      return false;
    }
    if (!connection.sendPublish(entry.message, entry.qos, entry.retain, false, packetId, entry.subscriptionIds)) return true;
    entry.packetId = packetId;
    entry.stage = entry.qos === 1 ? OutboundStage.AwaitPuback : OutboundStage.AwaitPubrec;
    this.inflight.set(packetId, entry);
    return true;
  }

  /** Sends queued messages while the window has room [MQTT-3.3.4-9]. */
  drain(): void {
    const connection = this.connection;
    if (connection === undefined) return;
    while (this.queue.length > 0 && this.inflight.size < connection.sendQuota && !connection.congested) {
      if (!this.send(connection, this.queue.shift()!)) break;
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
    if (!this.inflight.delete(packetId)) return false;
    this.drain();
    return true;
  }

  /** The connection attached: cancel expiry and a delayed will [MQTT-3.1.3-9]. */
  attach(connection: Connection): void {
    this.connection = connection;
    this.expiryTimer.cancel();
    this.willTimer.cancel();
    this.pendingWill = undefined;
  }

  /** The connection closed: publish or delay its will, then end the session or start its expiry. */
  detach(will: Will | undefined): void {
    this.connection = undefined;
    if (will !== undefined) {
      const delay = Math.min(will.properties.willDelayInterval ?? 0, this.expiryInterval);
      if (delay === 0) this.broker.publishWill(will);
      else {
        this.pendingWill = will;
        this.willTimer.start(delay);
      }
    }
    if (this.expiryInterval === 0) this.broker.sessions.end(this);
    else if (this.expiryInterval !== NEVER_EXPIRES) this.expiryTimer.start(this.expiryInterval); // v5 3.1.2.11.2: 0xFFFFFFFF never expires
  }

  private publishPendingWill(): void {
    const will = this.pendingWill;
    this.pendingWill = undefined;
    this.willTimer.cancel();
    if (will !== undefined) this.broker.publishWill(will);
  }

  /** Called by the session registry when the session ends: a delayed will goes out now [MQTT-3.1.2-8]. */
  release(): void {
    this.ended = true;
    this.expiryTimer.cancel();
    this.publishPendingWill();
    this.inflight.clear();
    this.queue.clear();
    this.inboundQos2.clear();
  }

  /** Timers off without publishing anything (broker close). */
  stop(): void {
    this.expiryTimer.cancel();
    this.willTimer.cancel();
  }
}
