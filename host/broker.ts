// Wires the core, sessions, routing, hooks and transports into one broker; owns nothing else.
import { EventEmitter } from "node:events";
import { Core } from "./core/core.ts";
import { Framer } from "./core/framer.ts";
import { PacketEncoder } from "./core/packet-encoder.ts";
import { Records } from "./core/records.ts";
import { TopicIndex } from "./core/topics.ts";
import type { Will } from "./core/packets.ts";
import { Backpressure } from "./connection/backpressure.ts";
import { Connection } from "./connection/connection.ts";
import type { ConnectionContext } from "./connection/context.ts";
import { TimerWheel } from "./connection/timeouts.ts";
import type { HandlerContext } from "./handlers/context.ts";
import { Dispatcher } from "./handlers/index.ts";
import type { ClientInfo, Hooks } from "./hooks.ts";
import { createLogger, type Logger } from "./log.ts";
import { defaultOptions, type BrokerOptions } from "./config/options.ts";
import { Notifier, type BrokerEvents } from "./notify.ts";
import { ReasonCode } from "./protocol/reason-code.ts";
import type { BrokerMessage } from "./routing/local.ts";
import type { Message } from "./routing/message.ts";
import type { Reach } from "./routing/reach.ts";
import { PublishEncoder } from "./routing/publish-encoder.ts";
import { RetainedStore } from "./routing/retained.ts";
import { Router } from "./routing/route.ts";
import { sendIfAllowed, willMessage } from "./routing/will.ts";
import { Sessions } from "./session/registry.ts";
import { effectiveListeners, usesCertificateIdentity, type ListenerAddress } from "./config/listeners.ts";
import { Listeners } from "./transport/listeners.ts";
import { RefusalLog } from "./transport/refusal-log.ts";
import type { Store } from "./store/store.ts";
import { HttpFace } from "./http/face.ts";
import { SysTopics } from "./http/sys-topics.ts";
import { newStats, type BrokerStats } from "./stats.ts";
import type { ClientAcl } from "./security/client-acl.ts";
import { forgetConnection } from "./security/connection-limits.ts";
import { Security } from "./security/security.ts";
import type { Transport } from "./transport/transport.ts";
import { hostMessage, subscribeLocal, type PublishOptions } from "./broker-local.ts";
import { closeConnections, openStore, publishShutdownWills, restoreStore } from "./broker-lifecycle.ts";

export type { BrokerEvents, ClientErrorEvent } from "./notify.ts";
export type { BrokerStats } from "./stats.ts";
export type { PublishOptions } from "./broker-local.ts";

export class Broker extends EventEmitter<BrokerEvents> {
  readonly options: BrokerOptions;
  readonly hooks: Hooks;
  readonly log: Logger;
  readonly core = new Core();
  readonly framer = new Framer(this.core);
  readonly records = new Records(this.core);
  readonly encoder = new PacketEncoder(this.core);
  readonly topics = new TopicIndex(this.core);
  readonly publishEncoder = new PublishEncoder(this.encoder);
  readonly sessions: Sessions;
  /** Sessions with an expiry, their queues, and retained messages (memory unless options say otherwise). */
  readonly store: Store;
  readonly retained: RetainedStore;
  readonly router: Router;
  readonly connections = new Set<Connection>();
  readonly backpressure = new Backpressure();
  /** Every connection's CONNECT timeout and keep-alive. */
  readonly timeouts = new TimerWheel();
  /** The ACL file, failed logins, connection caps, auth methods and the counters of every limit hit. */
  readonly security: Security;
  readonly stats: BrokerStats = newStats();
  /** Hooks, then EventEmitter listeners: the one way events reach the embedding service. */
  readonly notify: Notifier;
  /** What connections and handlers may use (built once; see connection/context.ts and handlers/context.ts). */
  private readonly connectionContext: ConnectionContext<Connection>;
  /** The open tcp, tls, ws and wss listeners. */
  private readonly ports: Listeners;
  private httpFace: HttpFace | undefined;
  private readonly sysTopics: SysTopics;
  private closing = false;
  /** Set once every connection is closed: wills of sessions ending with the shutdown went out before. */
  private stopped = false;
  private started: Promise<void> | undefined;
  private listening = false;

  constructor(options: Partial<BrokerOptions> = {}) {
    super();
    // As with logging, the library publishes no $SYS topics unless asked (the binary's default is 10 s).
    this.options = { ...defaultOptions, hooks: {}, ...options, logLevel: options.logLevel ?? "silent", sysInterval: options.sysInterval ?? 0 };
    const methods = Object.keys(options.authMethods ?? {}).length > 0;
    const identity = usesCertificateIdentity(options.listeners);
    if ((methods || identity) && options.allowAnonymous === undefined) this.options.allowAnonymous = false; // credentials configured: closed by default
    this.hooks = this.options.hooks;
    this.log = options.logger ?? createLogger(this.options.logLevel);
    this.notify = new Notifier(this.hooks, this);
    this.store = openStore(options.store, options.persistence === true, this.options.dataDir, this.log);
    this.retained = new RetainedStore(this.topics, this.store);
    this.sessions = new Sessions(this.topics, this.options, this.stats, this.store, this.log, (will, acl, client) => this.publishWill(will, acl, client));
    this.router = new Router(this.topics, this.sessions, this.log);
    this.security = new Security(this.options);
    const handlerContext: HandlerContext = {
      options: this.options, hooks: this.hooks, notify: this.notify, log: this.log, stats: this.stats, security: this.security,
      records: this.records, encoder: this.encoder, sessions: this.sessions, topics: this.topics, retained: this.retained,
      store: this.store, publish: (message, publisherId, reach) => this.publishMessage(message, publisherId, reach),
    };
    this.connectionContext = {
      options: this.options, stats: this.stats, log: this.log, security: this.security, framer: this.framer, records: this.records,
      encoder: this.encoder, publishEncoder: this.publishEncoder, backpressure: this.backpressure, timeouts: this.timeouts,
      packets: new Dispatcher(handlerContext),
      connectionClosed: (connection, reasonCode, wasConnected) => this.connectionClosed(connection, reasonCode, wasConnected),
    };
    const refusals = new RefusalLog(this.stats, this.log);
    this.ports = new Listeners({
      accept: (transport) => this.accept(transport),
      refuse: (reason, remoteAddress) => refusals.refused(reason, remoteAddress),
      log: this.log,
      headerTimeout: this.options.connectTimeout * 1000,
    });
    this.sysTopics = new SysTopics(this, this.options.sysInterval);
    this.sysTopics.start();
  }

  /** EventEmitter's, then the notifier recounts (it may have lost its own newListener/removeListener listeners). */
  override removeAllListeners(eventName?: Parameters<EventEmitter<BrokerEvents>["removeAllListeners"]>[0]): this {
    super.removeAllListeners(eventName);
    this.notify.watch();
    return this;
  }

  /** Restores what the store holds (retained messages, sessions with their subscriptions and queues), purges
   *  what expired while the broker was down and publishes wills that fell due. Runs once, before listening. */
  start(): Promise<void> {
    return this.started ??= restoreStore(this.store, this.retained, this.sessions, this.topics, this.log,
      (will, acl, client) => this.publishWill(will, acl, client), (username, clientId) => this.security.aclFor(username, clientId));
  }

  /** False once close() has begun (GET /health answers 503). */
  get accepting(): boolean {
    return !this.closing;
  }

  /** True once the listeners are up, until close() (GET /ready). */
  get ready(): boolean {
    return this.listening && !this.closing;
  }

  /** Starts the HTTP listener (options.http, when set), restores the store, then opens every listener (options.listeners,
   *  else options.tcp); host and port are the first one's. */
  async listen(): Promise<{ host: string; port: number; listeners: ListenerAddress[]; http?: { host: string; port: number } }> {
    let http: { host: string; port: number } | undefined;
    if (this.options.http !== false && this.httpFace === undefined) {
      this.httpFace = new HttpFace(this, this.options.http);
      http = await this.httpFace.listen();
      this.log.info(http, "HTTP listening");
    }
    await this.start(); // /ready answers 503 while the store is restored
    const configs = effectiveListeners(this.options);
    if (configs.length === 0) throw new Error("quarkmq: no listener configured");
    const listeners = await this.ports.listen(configs);
    for (const address of listeners) this.log.info(address, "listening");
    this.listening = true;
    return { host: listeners[0]!.host, port: listeners[0]!.port, listeners, ...(http ? { http } : {}) };
  }

  /** Re-reads the tls and wss listeners' certificate and key files (the CLI calls it on SIGHUP); open connections keep theirs. */
  async reloadCertificates(): Promise<void> {
    await this.ports.reloadCertificates();
    this.log.info("certificates reloaded");
  }

  /** Takes a connection from any transport. */
  accept(transport: Transport): void {
    if (this.closing || !this.security.admit(transport.remoteAddress, this.connections.size)) {
      transport.destroy();
      return;
    }
    this.stats.socketsAccepted++;
    this.connections.add(new Connection(this.connectionContext, transport));
  }

  /** Publishes from the host service, as if from a client with no session. */
  async publish(options: PublishOptions): Promise<void> {
    this.publishMessage(hostMessage(this.topics, this.stats, options), -1);
  }

  /** An in-process subscription; returns its unsubscribe function. Retained messages are delivered first. */
  subscribe(topicFilter: string, handler: (message: BrokerMessage) => void): () => void {
    return subscribeLocal(this.topics, this.sessions, this.retained, topicFilter, handler);
  }

  /** Stores a retained message when asked, then routes. publisherId: the publisher's subscriberId or -1; reach: where
   *  a connection's messages went, for flow control.
   *  Returns the number of subscriptions it went to. */
  publishMessage(message: Message, publisherId: number, reach?: Reach): number {
    if (message.retain && this.options.retainAvailable) this.retained.set(message);
    const delivered = this.router.route(message, publisherId, reach);
    if (delivered === 0) this.stats.droppedNoSubscribers++;
    return delivered;
  }

  /** A will going out; with an ACL file, only to a topic its client may still publish to (checked now, when it is sent). */
  publishWill(will: Will, acl: ClientAcl | undefined, client: ClientInfo | undefined): void {
    if (!this.stopped) sendIfAllowed(this.hooks, will, acl, client, this.sendWill, this.log);
  }

  private readonly sendWill = (will: Will): void => {
    if (this.stopped) return; // an async hook answered after the shutdown
    this.stats.messagesIn++;
    this.publishMessage(willMessage(will), -1);
  };

  /** SIGHUP: re-reads the ACL file (host/config/reload.ts); the errors, none when the new rules are in force. */
  reloadAcl(): string[] {
    return this.security.reloadAcl();
  }

  private connectionClosed(connection: Connection, reasonCode: number, wasConnected: boolean): void {
    this.connections.delete(connection);
    this.security.release(connection.transport.remoteAddress);
    forgetConnection(connection);
    if (!wasConnected) return;
    this.stats.connections--;
    this.notify.clientDisconnected(connection.client, reasonCode);
  }

  /** Stops accepting; publishes the wills of sessions that end with the shutdown (and wills without a delay) while
   *  every client is still connected; tells v5 clients 0x8B, flushes and closes every connection (sessions with an
   *  expiry keep their state, a delayed will included); releases timers; flushes and closes the store. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.sysTopics.stop();
    const stopped = this.ports.close();
    const connections = [...this.connections];
    publishShutdownWills(connections, (will, acl, client) => this.publishWill(will, acl, client));
    await closeConnections(connections);
    this.stopped = true;
    this.sessions.stop();
    this.backpressure.stop();
    this.timeouts.stop();
    await stopped;
    await this.store.close();
    this.httpFace?.close(); // last: /health answers 503 while connections close
  }
}
