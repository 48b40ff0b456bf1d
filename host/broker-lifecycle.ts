// The broker's store opened and restored at start-up, and the steps of its shutdown that walk the open connections;
// broker.ts runs them in order (constructor, start(), close()) and passes in what each step needs.
import type { Will } from "./core/packets.ts";
import type { TopicIndex } from "./core/topics.ts";
import type { Connection } from "./connection/connection.ts";
import { Lifecycle } from "./connection/lifecycle.ts";
import type { Logger } from "./log.ts";
import { ReasonCode } from "./protocol/reason-code.ts";
import type { RetainedStore } from "./routing/retained.ts";
import type { ClientAcl } from "./security/client-acl.ts";
import type { Sessions } from "./session/registry.ts";
import { restoreSessions, storedClient, type AclFor } from "./session/session-record.ts";
import type { ClientInfo } from "./hooks.ts";
import { LmdbStore } from "./store/lmdb.ts";
import { MemoryStore } from "./store/memory.ts";
import type { Store } from "./store/store.ts";

type PublishWill = (will: Will, acl: ClientAcl | undefined, client: ClientInfo | undefined) => void;

/** The embedder's store; else with persistence lmdb in dataDir (throws StoreOpenError; a failed commit is logged);
 *  else memory. */
export function openStore(given: Store | undefined, persistence: boolean, path: string, log: Logger): Store {
  if (given !== undefined) return given;
  if (!persistence) return new MemoryStore();
  const store = LmdbStore.open({ path, onError: (err) => log.error({ err, path }, "store commit failed: the publishes in it are refused") });
  log.info({ dataDir: path }, "store opened (lmdb)");
  return store;
}

/** Restores what the store holds (retained messages, sessions with their subscriptions and queues), purges what
 *  expired while the broker was down and publishes wills that fell due. */
export async function restoreStore(store: Store, retainedStore: RetainedStore, sessions: Sessions, topics: TopicIndex,
  log: Logger, publishWill: PublishWill, aclFor: AclFor): Promise<void> {
  const now = Date.now();
  const state = await store.load(now);
  let retained = 0;
  for (const stored of state.retained) {
    retainedStore.restore(stored);
    retained++;
  }
  const due = restoreSessions(sessions, topics, state.sessions, now, aclFor);
  // [MQTT-3.1.2-8] each checked against the ACL in force as its client's, like a live will
  for (const due of state.wills) publishWill(due.will, aclFor(due.username, due.clientId), storedClient(due));
  for (const [will, session] of due) publishWill(will, session.acl, session.client);
  if (state.sessions.length + retained + state.wills.length > 0 || Object.values(state.purged).some((n) => n > 0)) {
    log.info({ store: store.kind, sessions: state.sessions.length, retained,
      wills: state.wills.length + due.length, purged: state.purged }, "store restored");
  }
}

/** Shutdown, while every client is still connected: publishes the wills of sessions that end with it, and wills
 *  without a delay [MQTT-3.1.2-8]. */
export function publishShutdownWills(connections: Connection[], publishWill: PublishWill): void {
  for (const connection of connections) {
    const will = connection.pendingWill, session = connection.session;
    if (will === undefined || session === undefined || connection.state !== Lifecycle.Connected) continue;
    if (session.expiryInterval === 0 || (will.properties.willDelayInterval ?? 0) === 0) {
      connection.discardWill();
      publishWill(will, session.acl, connection.client); // [MQTT-3.1.2-8]
    }
  }
}

/** Tells v5 clients 0x8B, flushes and closes every connection; resolves once all are closed. */
export async function closeConnections(connections: Connection[]): Promise<void> {
  const closing: Promise<void>[] = [];
  for (const connection of connections) {
    closing.push(connection.closed);
    if (connection.state === Lifecycle.Connected) connection.disconnect(ReasonCode.ServerShuttingDown);
    else connection.close(ReasonCode.ServerShuttingDown);
  }
  await Promise.all(closing);
}
