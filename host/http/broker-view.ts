// Read-only views of the broker's state for the HTTP face (admin API, metrics, $SYS): the one file of
// host/http/ that knows where connections and sessions keep what an operator asks about.
import { Connection } from "../connection/connection.ts";
import { Lifecycle } from "../connection/lifecycle.ts";
import type { TopicIndex } from "../core/topics.ts";
import type { Logger } from "../log.ts";
import type { Message } from "../routing/message.ts";
import type { RetainedStore } from "../routing/retained.ts";
import type { Sessions } from "../session/registry.ts";
import type { Session } from "../session/session.ts";
import type { SecurityCounters } from "../security/counters.ts";
import type { BrokerStats } from "../stats.ts";
import type { PublishBody } from "./publish-body.ts";

/** What the HTTP face may use of the broker (the Broker passes itself; nothing here imports it). */
export interface HttpBroker {
  readonly log: Logger;
  readonly stats: BrokerStats;
  /** Every limit hit and refusal (security/counters.ts). */
  readonly security: { readonly counters: SecurityCounters };
  readonly connections: ReadonlySet<Connection>;
  readonly sessions: Sessions;
  readonly topics: Pick<TopicIndex, "checkTopicName" | "subscriptionCount">;
  readonly retained: Pick<RetainedStore, "count">;
  /** False once close() has begun. */
  readonly accepting: boolean;
  /** True once the listeners are up, until close(). */
  readonly ready: boolean;
  /** As the host service publishes (counted as received). */
  publish(options: PublishBody): Promise<void>;
  /** Stores a retained message when asked, then routes, without counting it as received ($SYS). */
  publishMessage(message: Message, publisherId: number): void;
}

export interface SubscriptionView {
  topicFilter: string;
  qos: number;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: number;
  subscriptionIdentifier?: number;
}

export interface ClientView {
  clientId: string;
  username?: string;
  address: string;
  transport: string;
  protocolLevel: number;
  protocolVersion: string;
  keepAlive: number;
  subscriptions: SubscriptionView[];
  inflight: number;
  queued: number;
}

export interface Totals {
  connectionsByTransport: Map<string, number>;
  sessionsOnline: number;
  sessionsOffline: number;
  subscriptions: number;
  retained: number;
  inflight: number;
  queued: number;
  queuedBytes: number;
}

const versions: Record<number, string> = { 3: "3.1", 4: "3.1.1", 5: "5.0" };

/** The transport a connection came on; TCP until the transport tells (issue 8's listeners). */
function transportOf(connection: Connection): string {
  return (connection.client as { transport?: string }).transport ?? "tcp";
}

/** Connections past CONNACK. */
export function* connectedClients(broker: HttpBroker): Iterable<Connection> {
  for (const connection of broker.connections) if (connection.state === Lifecycle.Connected) yield connection;
}

export function findClient(broker: HttpBroker, clientId: string): Connection | undefined {
  const outlet = broker.sessions.get(clientId)?.connection;
  return outlet instanceof Connection && outlet.state === Lifecycle.Connected ? outlet : undefined;
}

export function subscriptionsOf(session: Session | undefined): SubscriptionView[] {
  const out: SubscriptionView[] = [];
  if (session === undefined) return out;
  const subscriptions = session.subscriptions;
  for (const topicFilter of subscriptions.topicFilters()) {
    const { options, subscriptionId } = subscriptions.get(topicFilter)!;
    out.push({
      topicFilter,
      qos: options & 3,
      noLocal: (options & 4) !== 0,
      retainAsPublished: (options & 8) !== 0,
      retainHandling: (options >> 4) & 3,
      ...(subscriptionId > 0 ? { subscriptionIdentifier: subscriptionId } : {}),
    });
  }
  return out;
}

export function clientView(connection: Connection): ClientView {
  const { client, session } = connection;
  return {
    clientId: client.clientId,
    ...(client.username !== undefined ? { username: client.username } : {}),
    address: client.remoteAddress ?? "",
    transport: transportOf(connection),
    protocolLevel: connection.protocolLevel,
    protocolVersion: versions[connection.protocolLevel] ?? "unknown",
    keepAlive: connection.keepAlive,
    subscriptions: subscriptionsOf(session),
    inflight: session?.inflight.size ?? 0,
    queued: session?.queue.length ?? 0,
  };
}

/** Every gauge at once: one pass over connections and sessions (a scrape or a $SYS tick, not per message). */
export function totals(broker: HttpBroker): Totals {
  const connectionsByTransport = new Map<string, number>([["tcp", 0]]);
  for (const connection of connectedClients(broker)) {
    const kind = transportOf(connection);
    connectionsByTransport.set(kind, (connectionsByTransport.get(kind) ?? 0) + 1);
  }
  let sessionsOnline = 0, sessionsOffline = 0, inflight = 0, queued = 0, queuedBytes = 0;
  for (const session of broker.sessions.byClientId.values()) {
    if (session.connection !== undefined) sessionsOnline++;
    else sessionsOffline++;
    inflight += session.inflight.size;
    queued += session.queue.length;
    queuedBytes += session.queue.bytes;
  }
  return {
    connectionsByTransport, sessionsOnline, sessionsOffline, inflight, queued, queuedBytes,
    subscriptions: broker.topics.subscriptionCount,
    retained: broker.retained.count,
  };
}

export type DropReason = "queue_full" | "too_large" | "expired" | "no_subscribers" | "congested" | "not_authorized";

export interface CounterView {
  /** By QoS, index 0..2. */
  publishReceived: readonly number[];
  publishSent: readonly number[];
  publishReceivedBytes: readonly number[];
  publishSentBytes: readonly number[];
  packetsReceived: number;
  packetsSent: number;
  bytesReceived: number;
  bytesSent: number;
  dropped: Record<DropReason, number>;
  droppedTotal: number;
  protocolErrors: number;
  socketsAccepted: number;
  connectsAccepted: number;
  /** By LIMITS, in its order. */
  limits: readonly number[];
}

/** The limit and refusal counters /metrics labels `limit`, from the security counters and the transport. */
export const LIMITS = [
  "connections", "connections_per_address", "login_failures", "client_id_length", "subscriptions", "topic_levels",
  "publish_rate_slowed", "publish_rate_disconnects", "partial_packet_timeouts", "acl_publish", "acl_subscribe",
  "acl_delivery", "acl_will", "transport_refused", "packet_too_large", "queue_overflow_disconnects",
] as const;

/** The broker's counters as the HTTP face names them (read, never written, here). */
export function counters(broker: HttpBroker): CounterView {
  const s = broker.stats;
  const c = broker.security.counters;
  return {
    publishReceived: s.publishReceived,
    publishSent: s.publishSent,
    publishReceivedBytes: s.publishReceivedBytes,
    publishSentBytes: s.publishSentBytes,
    packetsReceived: s.packetsReceived,
    packetsSent: s.packetsSent,
    bytesReceived: s.bytesIn,
    bytesSent: s.bytesOut,
    dropped: {
      queue_full: s.droppedQueueFull, too_large: s.droppedTooLarge, expired: s.droppedExpired,
      no_subscribers: s.droppedNoSubscribers, congested: s.droppedCongested, not_authorized: s.droppedNotAuthorized,
    },
    droppedTotal: s.dropped,
    protocolErrors: s.protocolErrors,
    socketsAccepted: s.socketsAccepted,
    connectsAccepted: s.connectsAccepted,
    limits: [
      c.connectionsRefused, c.connectionsRefusedPerAddress, c.loginFailures, c.clientIdTooLong, c.subscriptionsOverLimit,
      c.topicLevelsOverLimit, c.publishRateSlowed, c.publishRateDisconnects, c.partialPacketTimeouts, c.aclPublishDenied,
      c.aclSubscribeDenied, c.aclDeliveryDenied, c.aclWillDenied, s.transportRefused, s.packetsTooLarge,
      c.slowSubscriberDisconnects,
    ],
  };
}
