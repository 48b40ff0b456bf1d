// Every option of the broker, with its default. The config file (YAML/JSON), the environment and the
// CLI flags all resolve to this one shape (host/config.ts); createBroker() takes it directly.
import type { Hooks } from "../hooks.ts";
import type { Logger } from "../log.ts";
import type { AuthMethods } from "../security/auth-method.ts";
import type { ListenerConfig } from "./listeners.ts";
import type { Store } from "../store/store.ts";

export interface ListenerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
}

/** The HTTP face (host/http/): health, metrics, the admin API. */
export interface HttpOptions extends ListenerOptions {
  /** Bearer token the admin API (/api/v1) requires; without one the admin API refuses every request. */
  adminToken?: string;
  /** Largest request body accepted, bytes (413 beyond). Default 1 MiB. */
  maxBodySize?: number;
}

/** What a full session queue does with one more QoS 1/2 message (BrokerOptions.queueOverflow). */
export const queueOverflows = ["drop-newest", "drop-oldest", "disconnect"] as const;
export type QueueOverflow = typeof queueOverflows[number];

export interface BrokerOptions {
  /** TCP listener; `false` for none (in-process use only). Default 127.0.0.1:1883. A shorthand for
   *  `listeners: [{ type: "tcp", host, port }]`, ignored when `listeners` is given. */
  tcp: ListenerOptions | false;
  /** Every listener (tcp, tls, ws, wss) with its own options; replaces `tcp` when given. */
  listeners?: ListenerConfig[];
  /** HTTP listener (health, metrics, admin API); `false` (the default) for none. */
  http: HttpOptions | false;
  /** Seconds between `$SYS/broker/...` updates; 0 = none. Default 10 (0 for the library unless set). */
  sysInterval: number;
  /** Largest packet accepted, in bytes (fixed header included). Default 268,435,455 + 5 (the protocol's limit). */
  maxPacketSize: number;
  /** Highest keep-alive a client may ask for, in seconds (v5: told back as Server Keep Alive; 3.1/3.1.1: refused
   *  with return code 2, as Mosquitto does). 0 = no cap. Default 65,535. */
  maxKeepAlive: number;
  /** Seconds a new connection has to send CONNECT. Default 10. */
  connectTimeout: number;
  /** Receive Maximum told to v5 clients: QoS 1/2 publishes a client may have unacknowledged to us. Default 65,535. */
  receiveMaximum: number;
  /** Topic aliases a v5 client may use towards us. Default 65,535 (0 disables). */
  topicAliasMaximum: number;
  /** QoS 1/2 messages kept per offline or slow session; one more is handled per queueOverflow (and counted). Default 1,000. */
  maxQueuedMessages: number;
  /** Payload bytes of QoS 1/2 messages kept per offline or slow session; past it, queueOverflow applies (counted).
   *  Default 64 MiB. */
  maxQueuedBytes: number;
  /** What a session queue full of QoS 1/2 messages does with one more (offline, or a reader let go as slow):
   *  "drop-newest" (as Mosquitto), "drop-oldest", or "disconnect" (v5 DISCONNECT 0x97 Quota exceeded; an offline
   *  session drops the newest). Each dropped message is counted. Default "drop-newest". */
  queueOverflow: QueueOverflow;
  /** Bytes waiting to be written to one client past which QoS 0 messages to it are dropped (and counted), so a reader
   *  that stops reading holds at most this much of the broker's memory. Default 8 MiB. */
  maxQueuedQoS0Bytes: number;
  /** QoS 1/2 messages in flight to one client when it sets no Receive Maximum (3.1.1). Default 100. */
  maxInflightMessages: number;
  /** Allow clients without credentials when no authenticate hook decides. Default true, but false once users, a
   *  password file, an auth method or a certificate identity (a tls listener's useIdentityAs) is configured (unless
   *  set explicitly). */
  allowAnonymous: boolean;
  /** Enhanced authentication methods (MQTT 5 AUTH) by name: host/security/auth-method.ts. */
  authMethods?: AuthMethods;
  /** An ACL file in Mosquitto's format (host/config/acl-file.ts); once set, what it does not grant is denied. */
  aclFile?: string;
  /** Clients connected at once (sockets, before and after CONNECT); 0 = no limit. Default 100,000. */
  maxConnections: number;
  /** Sockets open at once from one remote address; 0 = no limit. Default 0. */
  maxConnectionsPerAddress: number;
  /** Longest client id accepted, in UTF-8 bytes (23 is the 3.1.1 minimum a server must accept). Default 65,535. */
  maxClientIdLength: number;
  /** Subscriptions one session may hold; a SUBSCRIBE past it is refused (0x97 Quota exceeded). Default 100,000. */
  maxSubscriptionsPerClient: number;
  /** Most levels in a topic name or filter; more is refused (0x90 / 0x8F, or a close for 3.1.1). Default 256. */
  maxTopicLevels: number;
  /** PUBLISH packets per second one client may send (token bucket; reads pause past it); 0 = no limit. Default 0. */
  maxPublishRate: number;
  /** PUBLISH payload bytes per second one client may send; 0 = no limit. Default 0. */
  maxPublishBytesRate: number;
  /** Seconds a client may stay over its publish rate (slowed) before DISCONNECT 0x96. Default 10. */
  publishRateGrace: number;
  /** Seconds an incomplete packet may wait for its next byte before the connection is closed. Default 60. */
  partialPacketTimeout: number;
  /** Retained messages allowed. Default true. */
  retainAvailable: boolean;
  /** v5: acknowledge a QoS 1/2 PUBLISH that matched no subscription with 0x10 No matching subscribers (3.4.2.1). Default true. */
  noMatchingSubscribersReasonCode: boolean;
  /** Highest QoS granted. Default 2. */
  maximumQoS: 0 | 1 | 2;
  /** Most Session Expiry Interval a v5 client may ask for, seconds. Default 0xFFFFFFFF (never). */
  maxSessionExpiryInterval: number;
  /** v5 Response Information in the CONNACK of a client that sets Request Response Information 1 (the basis of its
   *  response topics, 4.10); `%c` becomes the client id. Default "" (none sent). */
  responseInformation: string;
  /** pino log level: fatal, error, warn, info, debug, trace, silent. Default info (silent for the library unless set). */
  logLevel: string;
  /** Keep sessions, queues and retained messages in a durable store (the binary: lmdb in dataDir). Default: the
   *  binary true, the library uses `store` (memory unless given). */
  persistence: boolean;
  /** The durable store's directory (binary). Default ./quarkmq-data. */
  dataDir: string;
  /** The store (library): a MemoryStore when not given; the binary opens an LmdbStore in dataDir. */
  store?: Store;
  /** A pino logger to use instead of createLogger(logLevel). */
  logger?: Logger;
  hooks: Hooks;
}

export const defaultOptions: Omit<BrokerOptions, "hooks"> = {
  tcp: { port: 1883, host: "127.0.0.1" },
  http: false,
  sysInterval: 10,
  maxPacketSize: 268_435_460,
  maxKeepAlive: 65_535,
  connectTimeout: 10,
  receiveMaximum: 65_535,
  topicAliasMaximum: 65_535,
  maxQueuedMessages: 1000,
  maxQueuedBytes: 64 << 20,
  queueOverflow: "drop-newest",
  maxQueuedQoS0Bytes: 8 << 20,
  maxInflightMessages: 100,
  allowAnonymous: true,
  maxConnections: 100_000,
  maxConnectionsPerAddress: 0,
  maxClientIdLength: 65_535,
  maxSubscriptionsPerClient: 100_000,
  maxTopicLevels: 256,
  maxPublishRate: 0,
  maxPublishBytesRate: 0,
  publishRateGrace: 10,
  partialPacketTimeout: 60,
  retainAvailable: true,
  noMatchingSubscribersReasonCode: true,
  maximumQoS: 2,
  maxSessionExpiryInterval: 0xffffffff,
  responseInformation: "",
  logLevel: "info",
  persistence: true,
  dataDir: "./quarkmq-data",
};
