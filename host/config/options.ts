// Every option of the broker, with its default. The config file (YAML/JSON), the environment and the
// CLI flags all resolve to this one shape (host/config.ts); createBroker() takes it directly.
import type { Hooks } from "../hooks.ts";
import type { Logger } from "../log.ts";
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
  /** QoS 1/2 messages kept per offline or slow session before newer ones are dropped (and counted). Default 1,000. */
  maxQueuedMessages: number;
  /** Payload bytes of QoS 1/2 messages kept per offline or slow session before newer ones are dropped (and counted).
   *  Default 64 MiB. */
  maxQueuedBytes: number;
  /** QoS 1/2 messages in flight to one client when it sets no Receive Maximum (3.1.1). Default 100. */
  maxInflightMessages: number;
  /** Allow clients without credentials when no authenticate hook decides. Default true. */
  allowAnonymous: boolean;
  /** Retained messages allowed. Default true. */
  retainAvailable: boolean;
  /** v5: acknowledge a QoS 1/2 PUBLISH that matched no subscription with 0x10 No matching subscribers (3.4.2.1). Default true. */
  noMatchingSubscribersReasonCode: boolean;
  /** Highest QoS granted. Default 2. */
  maximumQoS: 0 | 1 | 2;
  /** Most Session Expiry Interval a v5 client may ask for, seconds. Default 0xFFFFFFFF (never). */
  maxSessionExpiryInterval: number;
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
  maxInflightMessages: 100,
  allowAnonymous: true,
  retainAvailable: true,
  noMatchingSubscribersReasonCode: true,
  maximumQoS: 2,
  maxSessionExpiryInterval: 0xffffffff,
  logLevel: "info",
  persistence: true,
  dataDir: "./quarkmq-data",
};
