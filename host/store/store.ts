// The store interface: what outlives the process (sessions with an expiry, their queued and in-flight
// QoS 1/2 messages, inbound QoS 2 packet ids, retained messages). Writes are queued at once and committed
// in batches; whenCommitted() says when everything queued so far is durable (acknowledgements wait on it).
import type { Properties, Will } from "../core/packets.ts";

/** The on-disk format (2: retained records in retained-record.ts's layout); a version 1 store is upgraded when
 *  opened, one written with another version is refused (start with --reset-store). */
export const STORE_FORMAT_VERSION = 2;

/** An application message as stored: once, however many sessions it is queued for. */
export interface StoredMessage {
  topicName: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  properties: Properties | undefined;
  /** Date.now() when the message expires, 0 = never. */
  expiresAt: number;
}

/** A retained message as load() reads it back: topic and payload are ranges of `bytes`, which other restored
 *  messages share and nothing writes again. */
export interface RestoredRetained {
  bytes: Buffer;
  topicOffset: number;
  topicLength: number;
  payloadOffset: number;
  payloadLength: number;
  qos: 0 | 1 | 2;
  properties: Properties | undefined;
  /** Date.now() when the message expires, 0 = never. */
  expiresAt: number;
}

/** A message the store can reference: `storeId` is 0 until the store first writes it. */
export interface StorableMessage {
  storeId: number;
  readonly topicName: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  readonly properties: Properties | undefined;
  readonly expiresAt: number;
}

export interface StoredSubscription {
  topicFilter: string;
  /** The SUBSCRIBE options byte as granted. */
  options: number;
  subscriptionId: number;
}

export interface StoredSession {
  clientId: string;
  /** The username of the client's last CONNECT: the identity its will is ACL-checked as after a restart (a record
   *  written before this field existed reads as anonymous, so the check fails closed). */
  username?: string;
  /** The protocol level of that CONNECT (the authorizePublish hook's client.protocolLevel for such a will). */
  protocolLevel?: 3 | 4 | 5;
  /** Session Expiry Interval in seconds (never 0: such sessions are not stored). */
  expiryInterval: number;
  subscriptions: StoredSubscription[];
  /** While connected, the connection's will; once disconnected, the will still waiting for its delay. */
  will: Will | undefined;
  /** Date.now() when the connection closed; 0 while connected (a crash: counted from the restart). */
  disconnectedAt: number;
}

/** One QoS 1/2 message queued for, or in flight to, one session. */
export interface StoredEntry {
  /** Increasing over the store's life: the order of a session's messages. */
  entryId: number;
  messageId: number;
  qos: 1 | 2;
  retain: boolean;
  subscriptionIds: number[] | undefined;
  /** 0 while queued. */
  packetId: number;
  /** OutboundStage (session/inflight.ts). */
  stage: number;
}

/** A will that fell due while the broker was down, and the client it belongs to (the ACL checks it as theirs). */
export interface DueWill {
  will: Will;
  clientId: string;
  username: string | undefined;
  protocolLevel: 3 | 4 | 5 | undefined;
}

export interface RestoredSession {
  session: StoredSession;
  /** In entryId order, each with its message (shared by entries of the same messageId). */
  entries: Array<{ entry: StoredEntry; message: StoredMessage & { messageId: number } }>;
  inboundQos2: number[];
}

export interface RestoredState {
  sessions: RestoredSession[];
  /** Read as it is iterated (once): a million retained messages are never all held twice. Expired ones are
   *  purged on the way (counted in `purged.retained` by the end of the iteration). */
  retained: Iterable<RestoredRetained>;
  /** Wills of sessions that expired while the broker was down: due now, with whose they were (for the ACL check). */
  wills: DueWill[];
  /** What load() purged: expired sessions, retained and queued messages, unreferenced records. */
  purged: { sessions: number; retained: number; entries: number; messages: number };
}

export interface Store {
  /** "memory" or "lmdb". */
  readonly kind: string;
  /** Reads everything back (before the listener opens), purging what expired by `now`. */
  load(now: number): Promise<RestoredState>;
  putSession(session: StoredSession): void;
  /** Deletes a session with its entries (given by the caller, who holds them) and inbound ids. */
  deleteSession(clientId: string, entries: Iterable<{ entryId: number; messageId: number }>, inboundQos2: Iterable<number>): void;
  putRetained(message: StoredMessage): void;
  deleteRetained(topicName: string): void;
  /** Queues `message` for a session; the message is written on its first reference. Returns the entry. */
  addEntry(clientId: string, message: StorableMessage, qos: 1 | 2, retain: boolean, subscriptionIds: number[] | undefined,
           packetId: number, stage: number): StoredEntry;
  /** The entry was sent (packetId) or moved on (PUBREC received). */
  updateEntry(clientId: string, entry: StoredEntry): void;
  /** The flow ended (or the message was dropped): the entry goes, and the message with its last reference. */
  removeEntry(clientId: string, entry: StoredEntry): void;
  addInboundQos2(clientId: string, packetId: number): void;
  removeInboundQos2(clientId: string, packetId: number): void;
  /** undefined when nothing is waiting to be committed; else a promise for the commit of all writes so far
   *  (rejects when that commit failed). */
  whenCommitted(): Promise<void> | undefined;
  /** Commits what is queued and closes. */
  close(): Promise<void>;
}
