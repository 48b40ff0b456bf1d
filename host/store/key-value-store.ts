// The store's rules over any backend (memory, lmdb): a message is written once and referenced by queue
// entries, counted, and deleted with its last reference; load() reads everything back and purges what
// expired while the broker was down, and what a crash left unreferenced.
import type { Properties, Will } from "../core/packets.ts";
import type { Backend, Key } from "./backend.ts";
import { encodeRetained, RetainedReader } from "./retained-record.ts";
import type {
  DueWill, RestoredRetained, RestoredSession, RestoredState, StorableMessage, Store, StoredEntry, StoredMessage, StoredSession,
} from "./store.ts";

/** Session Expiry Interval meaning "never expires" (v5 3.1.2.11.2). */
const NEVER_EXPIRES = 0xffffffff;
/** OutboundStage.Queued: an entry not sent yet (session/inflight.ts). */
const QUEUED = 0;

export class KeyValueStore implements Store {
  /** Message and entry ids, one increasing counter. */
  private nextId = 1;
  /** messageId → entries referencing it. */
  private readonly refs = new Map<number, number>();

  constructor(readonly kind: string, private readonly backend: Backend) {}

  putSession(session: StoredSession): void {
    this.backend.put("sessions", session.clientId, session);
  }

  deleteSession(clientId: string, entries: Iterable<{ entryId: number; messageId: number }>, inboundQos2: Iterable<number>): void {
    this.backend.remove("sessions", clientId);
    for (const entry of entries) this.removeEntry(clientId, entry);
    for (const packetId of inboundQos2) this.backend.remove("inbound", [clientId, packetId]);
  }

  putRetained(message: StoredMessage): void {
    this.backend.put("retained", message.topicName, encodeRetained(message));
  }

  deleteRetained(topicName: string): void {
    this.backend.remove("retained", topicName);
  }

  addEntry(clientId: string, message: StorableMessage, qos: 1 | 2, retain: boolean, subscriptionIds: number[] | undefined,
           packetId: number, stage: number): StoredEntry {
    let messageId = message.storeId;
    const count = messageId === 0 ? undefined : this.refs.get(messageId);
    if (count === undefined) {
      messageId = message.storeId = this.nextId++;
      const { topicName, payload, qos: messageQos, retain: messageRetain, properties, expiresAt } = message;
      this.backend.put("messages", messageId, { topicName, payload, qos: messageQos, retain: messageRetain, properties, expiresAt });
      this.refs.set(messageId, 1);
    } else {
      this.refs.set(messageId, count + 1);
    }
    const entry: StoredEntry = { entryId: this.nextId++, messageId, qos, retain, subscriptionIds, packetId, stage };
    this.backend.put("entries", [clientId, entry.entryId], entry);
    return entry;
  }

  updateEntry(clientId: string, entry: StoredEntry): void {
    this.backend.put("entries", [clientId, entry.entryId], entry);
  }

  removeEntry(clientId: string, entry: { entryId: number; messageId: number }): void {
    this.backend.remove("entries", [clientId, entry.entryId]);
    const count = this.refs.get(entry.messageId);
    if (count === undefined) return;
    if (count > 1) {
      this.refs.set(entry.messageId, count - 1);
      return;
    }
    this.refs.delete(entry.messageId);
    this.backend.remove("messages", entry.messageId);
  }

  addInboundQos2(clientId: string, packetId: number): void {
    this.backend.put("inbound", [clientId, packetId], 1);
  }

  removeInboundQos2(clientId: string, packetId: number): void {
    this.backend.remove("inbound", [clientId, packetId]);
  }

  whenCommitted(): Promise<void> | undefined {
    return this.backend.whenCommitted();
  }

  async close(): Promise<void> {
    await this.backend.close();
  }

  async load(now: number): Promise<RestoredState> {
    const purged = { sessions: 0, retained: 0, entries: 0, messages: 0 };
    const backend = this.backend;
    this.refs.clear();
    let maxId = 0;
    const messages = new Map<number, StoredMessage & { messageId: number }>();
    for (const { key, value } of backend.scan("messages")) {
      const messageId = key as number;
      messages.set(messageId, { ...normalizeMessage(value as StoredMessage), messageId });
      if (messageId > maxId) maxId = messageId;
    }
    const sessions = new Map<string, RestoredSession>();
    const wills: DueWill[] = [];
    for (const { key, value } of backend.scan("sessions")) {
      const session = normalizeSession(value as StoredSession);
      // A session that was connected when the broker died counts as disconnected at the restart.
      const since = session.disconnectedAt === 0 ? now : session.disconnectedAt;
      if (session.expiryInterval !== NEVER_EXPIRES && since + session.expiryInterval * 1000 <= now) {
        // its will delay (<= expiry) ran out too [MQTT-3.1.2-8]
        if (session.will !== undefined) wills.push({ will: session.will, clientId: session.clientId, username: session.username, protocolLevel: session.protocolLevel });
        backend.remove("sessions", key);
        purged.sessions++;
        continue;
      }
      session.disconnectedAt = since;
      sessions.set(session.clientId, { session, entries: [], inboundQos2: [] });
    }
    for (const { key, value } of backend.scan("entries")) {
      const [clientId, entryId] = key as [string, number];
      const entry = value as StoredEntry;
      const restored = sessions.get(clientId);
      const message = messages.get(entry.messageId);
      if (entryId > maxId) maxId = entryId;
      // A queued message that expired is not delivered v5 [MQTT-3.3.2-5]; one in flight is resent as it was.
      if (restored === undefined || message === undefined || (entry.stage === QUEUED && message.expiresAt !== 0 && message.expiresAt <= now)) {
        backend.remove("entries", key);
        purged.entries++;
        continue;
      }
      entry.subscriptionIds ??= undefined;
      restored.entries.push({ entry, message });
      this.refs.set(entry.messageId, (this.refs.get(entry.messageId) ?? 0) + 1);
    }
    for (const messageId of messages.keys()) {
      if (this.refs.has(messageId)) continue;
      backend.remove("messages", messageId);
      purged.messages++;
    }
    for (const { key } of backend.scan("inbound")) {
      const [clientId, packetId] = key as [string, number];
      const restored = sessions.get(clientId);
      if (restored === undefined) backend.remove("inbound", key as Key);
      else restored.inboundQos2.push(packetId);
    }
    this.nextId = maxId + 1;
    for (const restored of sessions.values()) restored.entries.sort((a, b) => a.entry.entryId - b.entry.entryId);
    await backend.whenCommitted();
    return { sessions: [...sessions.values()], retained: this.retained(now, purged), wills, purged };
  }

  private *retained(now: number, purged: RestoredState["purged"]): IterableIterator<RestoredRetained> {
    const reader = new RetainedReader();
    for (const { key, value } of this.backend.scan("retained")) {
      const retained = reader.read(value as Uint8Array, now);
      if (retained !== undefined) yield retained;
      else { // expired v5 [MQTT-3.3.2-5]
        this.backend.remove("retained", key);
        purged.retained++;
      }
    }
  }
}

/** msgpack gives null where undefined was written, and now and then a Uint8Array where a Buffer was. */
function normalizeSession(session: StoredSession): StoredSession {
  session.username ??= undefined;
  session.protocolLevel ??= undefined;
  const will = session.will ?? undefined;
  session.will = will === undefined ? undefined : { ...will, payload: buffer(will.payload), properties: normalizeProperties(will.properties) ?? {} };
  return session;
}

export function normalizeMessage(message: StoredMessage): StoredMessage {
  message.payload = buffer(message.payload);
  message.properties = normalizeProperties(message.properties);
  return message;
}

function normalizeProperties(properties: Properties | null | undefined): Properties | undefined {
  if (properties === null || properties === undefined) return undefined;
  if (properties.correlationData !== undefined) properties.correlationData = buffer(properties.correlationData);
  return properties;
}

function buffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
