// A session's outbound QoS 1/2 flows (spec 4.3.2, 4.3.3): the in-flight window by packet id, the queue behind it,
// and packet id assignment. session.ts makes one on first use and passes its store side to each change.
import { OutboundQueue, OutboundStage, type Outbound } from "./inflight.ts";
import type { Outlet, SessionServices } from "./outlet.ts";
import { PacketIds } from "./packet-ids.ts";
import type { SessionStorage } from "./session-storage.ts";

/** What an idle session reads before it has anything in flight or queued (never written to). */
export const NO_INFLIGHT: ReadonlyMap<number, Outbound> = new Map();
export const NO_QUEUE = new OutboundQueue();

/** What a PUBREC does to an outbound flow (handlers/pubrec.ts answers accordingly). */
export enum PubrecOutcome {
  /** No QoS 2 flow with that packet id: PUBREL with 0x92. */
  Unknown,
  /** A reason code >= 0x80 ended the flow. */
  Ended,
  /** The flow awaits PUBCOMP: send PUBREL. */
  Release,
}

export class OutboundFlows {
  private readonly inflightMap = new Map<number, Outbound>();
  private queued: OutboundQueue | undefined;
  private readonly packetIds = new PacketIds();
  /** A drop for a full queue has been logged for this client. */
  private overflowLogged = false;

  constructor(private readonly services: Pick<SessionServices<unknown>, "options" | "stats" | "log">, private readonly clientId: string) {}

  /** Outbound QoS 1/2 messages by packetId, awaiting their acknowledgement. */
  get inflight(): ReadonlyMap<number, Outbound> {
    return this.inflightMap;
  }

  /** Messages waiting for a free slot in the window. */
  get queue(): Pick<OutboundQueue, "length" | "bytes"> {
    return this.queued ?? NO_QUEUE;
  }

  /** Takes one QoS 1/2 entry: written at once when the window has room, else queued; a full queue overflows. */
  deliver(connection: Outlet | undefined, entry: Outbound, storage: SessionStorage | undefined): void {
    if (connection !== undefined && this.queue.length === 0 && this.inflightMap.size < connection.sendQuota && !connection.congested) {
      if (!this.send(connection, entry, storage) || entry.stage !== OutboundStage.Queued) storage?.entry(entry); // queued again, or in flight
      return;
    }
    const size = entry.message.payloadLength;
    if (this.full(connection, this.queue.length, this.queue.bytes + size) && !this.overflow(connection, entry, storage)) return;
    const queued = (this.queued ??= new OutboundQueue());
    queued.push(entry);
    storage?.entry(entry);
    const options = this.services.options;
    if (connection !== undefined && (queued.length >= options.maxQueuedMessages >> 1 || queued.bytes >= options.maxQueuedBytes / 2)) connection.pressWriters();
  }

  /** Whether a queue of `length` messages and `bytes` payload bytes (the next one's included) is past what it may hold.
   *  A connected reader not let go holds back the publishers that feed it alone (connection/backpressure.ts), so its
   *  queue takes up to 8x the caps for the chunks in hand; a publisher that also feeds a reader that keeps up lets it
   *  go after its chunk. An offline or slow session's queue stops at the caps. An empty queue always takes one message, so a payload
   *  larger than maxQueuedBytes still reaches an offline session. */
  private full(connection: Outlet | undefined, length: number, bytes: number): boolean {
    const options = this.services.options, limit = options.maxQueuedMessages, byteLimit = options.maxQueuedBytes;
    if (length < limit && (bytes <= byteLimit || length === 0)) return false;
    return connection === undefined || connection.slow || length >= limit * 8 || bytes > byteLimit * 8;
  }

  /** The queue is full and `entry` comes: per queueOverflow, the oldest queued make room for it, or it is dropped
   *  (drop-newest, and disconnect, which also ends the connection with 0x97: a session that outlives it keeps its
   *  queue). Every drop is counted, the first logged. True when `entry` is to be queued. */
  private overflow(connection: Outlet | undefined, entry: Outbound, storage: SessionStorage | undefined): boolean {
    const policy = this.services.options.queueOverflow;
    const queued = this.queued;
    if (policy === "drop-oldest" && queued !== undefined) {
      const size = entry.message.payloadLength;
      while (queued.length > 0 && this.full(connection, queued.length, queued.bytes + size)) {
        const oldest = queued.shift()!;
        storage?.entryDone(oldest);
        this.dropped(policy);
      }
      if (!this.full(connection, queued.length, queued.bytes + size)) return true;
    }
    this.dropped(policy);
    if (policy === "disconnect") connection?.quotaExceeded();
    return false;
  }

  /** One QoS 1/2 message dropped for a full queue: counted, and logged the first time for this client. */
  private dropped(policy: string): void {
    const { stats, log, options } = this.services;
    stats.dropped++;
    stats.droppedQueueFull++;
    if (this.overflowLogged) return;
    this.overflowLogged = true;
    log.warn({ clientId: this.clientId, queueOverflow: policy, maxQueuedMessages: options.maxQueuedMessages, maxQueuedBytes: options.maxQueuedBytes },
      "session queue full: QoS 1/2 messages dropped (logged once per client; counted in dropped{reason=\"queue_full\"})");
  }

  /** Assigns a packet id and writes the PUBLISH. False only when no packet id is free (the entry is queued again);
   *  true when it was written, and also when the connection dropped it (expired, too large: it is not kept). */
  private send(connection: Outlet, entry: Outbound, storage: SessionStorage | undefined): boolean {
    const inflight = this.inflightMap;
    const packetId = this.packetIds.next(inflight);
    if (packetId === 0) {
      (this.queued ??= new OutboundQueue()).push(entry);
      return false;
    }
    if (!connection.sendPublish(entry.message, entry.qos, entry.retain, false, packetId, entry.subscriptionIds)) {
      storage?.entryDone(entry);
      return true;
    }
    entry.packetId = packetId;
    entry.stage = entry.qos === 1 ? OutboundStage.AwaitPuback : OutboundStage.AwaitPubrec;
    inflight.set(packetId, entry);
    if (entry.stored !== undefined) storage?.entry(entry);
    return true;
  }

  /** Sends queued messages while the window has room [MQTT-3.3.4-9]. */
  drain(connection: Outlet, storage: SessionStorage | undefined): void {
    const queued = this.queued;
    while (queued !== undefined && queued.length > 0 && this.inflightMap.size < connection.sendQuota && !connection.congested) {
      if (!this.send(connection, queued.shift()!, storage)) break;
    }
  }

  /** After a reconnect with the session present: resend unacknowledged PUBLISH with DUP and PUBREL [MQTT-4.4.0-1]. */
  resend(connection: Outlet): void {
    for (const entry of this.inflightMap.values()) {
      if (entry.stage === OutboundStage.AwaitPubcomp) connection.sendPubrel(entry.packetId);
      else connection.sendPublish(entry.message, entry.qos, entry.retain, true, entry.packetId, entry.subscriptionIds);
    }
  }

  /** PUBREC [MQTT-4.3.3-4]: the QoS 2 flow moves to AwaitPubcomp, or ends when the reason code is >= 0x80 (v5). */
  pubrec(packetId: number, reasonCode: number, storage: SessionStorage | undefined): PubrecOutcome {
    const entry = this.inflightMap.get(packetId);
    if (entry === undefined || entry.stage === OutboundStage.AwaitPuback) return PubrecOutcome.Unknown;
    if (reasonCode >= 0x80) {
      this.complete(packetId, storage);
      return PubrecOutcome.Ended;
    }
    entry.stage = OutboundStage.AwaitPubcomp;
    storage?.entry(entry);
    return PubrecOutcome.Release;
  }

  /** Ends an outbound flow (PUBACK, PUBCOMP, or a failing PUBREC); the caller refills the window. */
  complete(packetId: number, storage: SessionStorage | undefined): void {
    const entry = this.inflightMap.get(packetId);
    if (entry === undefined) return;
    this.inflightMap.delete(packetId);
    storage?.entryDone(entry);
  }

  /** Restart: entries read back from the store, queued or in flight as they were written. */
  restore(outbound: Outbound[]): void {
    for (const entry of outbound) {
      if (entry.stage === OutboundStage.Queued) (this.queued ??= new OutboundQueue()).push(entry);
      else this.inflightMap.set(entry.packetId, entry);
    }
  }

  /** Every outbound entry, in flight then queued. */
  *entries(): IterableIterator<Outbound> {
    yield* this.inflightMap.values();
    if (this.queued !== undefined) yield* this.queued.entries();
  }
}
