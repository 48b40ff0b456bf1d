// The restart: sessions, their subscriptions (into the topic index), queues and in-flight messages rebuilt from
// what the store loaded, before the listener opens; messages restored once however many entries share them.
import type { Will } from "../core/packets.ts";
import type { TopicIndex } from "../core/topics.ts";
import { Message } from "../routing/message.ts";
import type { RestoredSession, StoredMessage } from "../store/store.ts";
import type { Outbound } from "./inflight.ts";
import type { Sessions } from "./registry.ts";
import type { ClientAcl } from "../security/client-acl.ts";
import type { ClientInfo } from "../hooks.ts";
import type { Session } from "./session.ts";

/** A stored message as routed again; `storeId` keeps it referenced by the store's existing record. */
function restoredMessage(stored: StoredMessage, storeId = 0): Message {
  const message = new Message(Buffer.from(stored.topicName, "utf8"), stored.payload, stored.qos, stored.retain,
    stored.properties, stored.expiresAt, stored.topicName);
  message.storeId = storeId;
  return message;
}

/** The ACL rules of a client by its identity (Security.aclFor); undefined without an ACL file. */
export type AclFor = (username: string | undefined, clientId: string) => ClientAcl | undefined;

/** The client of a stored session or will, as far as the store knows it (a record from before protocolLevel was kept
 *  says 4). */
export function storedClient(record: { clientId: string; username?: string; protocolLevel?: 3 | 4 | 5 }): ClientInfo {
  return { clientId: record.clientId, username: record.username, protocolLevel: record.protocolLevel ?? 4 };
}

/** Rebuilds the sessions, each with the ACL rules of its client; returns the wills that fell due while the broker
 *  was down, with the rules they are checked against. */
export function restoreSessions(sessions: Sessions, topics: TopicIndex, restored: RestoredSession[], now: number,
  aclFor: AclFor): Array<[Will, Session]> {
  const wills: Array<[Will, Session]> = [];
  const messages = new Map<number, Message>();
  for (const { session: record, entries, inboundQos2 } of restored) {
    const session = sessions.create(record.clientId);
    session.useAcl(aclFor(record.username, record.clientId), storedClient(record));
    for (const { topicFilter, options, subscriptionId } of record.subscriptions) {
      if (topics.subscribe(session.subscriberId, topicFilter, options, subscriptionId) < 0) continue;
      session.subscriptions.add(topicFilter, options, subscriptionId);
    }
    const outbound: Outbound[] = [];
    for (const { entry, message: stored } of entries) {
      let message = messages.get(entry.messageId);
      if (message === undefined) messages.set(entry.messageId, message = restoredMessage(stored, entry.messageId));
      outbound.push({ packetId: entry.packetId, stage: entry.stage, message, qos: entry.qos, retain: entry.retain,
        subscriptionIds: entry.subscriptionIds, stored: entry });
    }
    const due = session.restore(record, outbound, inboundQos2, now);
    if (due !== undefined) wills.push([due, session]);
  }
  return wills;
}
