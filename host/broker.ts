// Wires the core, sessions, routing, hooks and transports into one broker; owns nothing else.
import { EventEmitter } from "node:events";
import { Core } from "./core/core.ts";
import { Codec } from "./core/codec.ts";
import { TopicIndex } from "./core/topics.ts";
import type { Properties, Will } from "./core/packets.ts";
import { Backpressure } from "./connection/backpressure.ts";
import { Connection } from "./connection/connection.ts";
import { Lifecycle } from "./connection/lifecycle.ts";
import { TimerWheel } from "./connection/timeouts.ts";
import type { ClientInfo, DisconnectEvent, Hooks, PublishEvent, SubscribeEvent } from "./hooks.ts";
import { createLogger, type Logger } from "./log.ts";
import { defaultOptions, type BrokerOptions } from "./config/options.ts";
import { MqttError } from "./protocol/mqtt-error.ts";
import { ReasonCode } from "./protocol/reason-code.ts";
import { LocalSubscription, type BrokerMessage } from "./routing/local.ts";
import { messageFrom, type Message } from "./routing/message.ts";
import { PublishEncoder } from "./routing/publish-encoder.ts";
import { RetainedStore } from "./routing/retained.ts";
import { Router } from "./routing/route.ts";
import { willMessage } from "./routing/will.ts";
import { Sessions } from "./session/registry.ts";
import { effectiveListeners, type ListenerAddress } from "./config/listeners.ts";
import { Listeners } from "./transport/listeners.ts";
import type { Transport } from "./transport/transport.ts";

export interface BrokerStats {
  /** MQTT clients connected (CONNACK accepted, not yet closed). */
  connections: number;
  messagesIn: number;
  messagesOut: number;
  /** Messages not delivered to a recipient: queue full, expired, too large, or a congested client at QoS 0. */
  dropped: number;
  protocolErrors: number;
  /** Connections closed before MQTT: a bad PROXY header, a failed TLS handshake or client certificate, a
   *  WebSocket upgrade without the mqtt subprotocol, a text frame. */
  transportRefused: number;
  bytesIn: number;
  bytesOut: number;
}

export interface ClientErrorEvent {
  client: ClientInfo;
  reasonCode: number;
  error: Error;
}

export interface BrokerEvents {
  clientConnect: [ClientInfo];
  clientDisconnect: [DisconnectEvent];
  publish: [PublishEvent];
  subscribe: [SubscribeEvent];
  clientError: [ClientErrorEvent];
}

export interface PublishOptions {
  topicName: string;
  payload: Buffer | Uint8Array | string;
  qos?: 0 | 1 | 2;
  retain?: boolean;
  properties?: Properties;
}

export class Broker extends EventEmitter<BrokerEvents> {
  readonly options: BrokerOptions;
  readonly hooks: Hooks;
  readonly log: Logger;
  readonly core = new Core();
  readonly codec = new Codec(this.core);
  readonly topics = new TopicIndex(this.core);
  readonly encoder = new PublishEncoder(this.codec);
  readonly sessions = new Sessions(this);
  readonly retained = new RetainedStore(this.topics);
  readonly router: Router;
  readonly connections = new Set<Connection>();
  readonly backpressure = new Backpressure();
  /** Every connection's CONNECT timeout and keep-alive. */
  readonly timeouts = new TimerWheel();
  readonly stats: BrokerStats = { connections: 0, messagesIn: 0, messagesOut: 0, dropped: 0, protocolErrors: 0, transportRefused: 0, bytesIn: 0, bytesOut: 0 };
  /** The open tcp, tls, ws and wss listeners. */
  private readonly ports: Listeners;
  /** Reasons for refusing a connection before MQTT already logged at warn (later ones go to debug). */
  private readonly refusals = new Set<string>();
  private closing = false;

  constructor(options: Partial<BrokerOptions> = {}) {
    super();
    this.options = { ...defaultOptions, hooks: {}, ...options, logLevel: options.logLevel ?? "silent" };
    this.hooks = this.options.hooks;
    this.log = options.logger ?? createLogger(this.options.logLevel);
    this.router = new Router(this.topics, this.sessions, this.log);
    this.ports = new Listeners({
      accept: (transport) => this.accept(transport),
      refuse: (reason, remoteAddress) => this.refused(reason, remoteAddress),
      log: this.log,
      headerTimeout: this.options.connectTimeout * 1000,
    });
  }

  /** Opens every listener (options.listeners, else options.tcp); host and port are the first one's. */
  async listen(): Promise<{ host: string; port: number; listeners: ListenerAddress[] }> {
    const configs = effectiveListeners(this.options);
    if (configs.length === 0) throw new Error("quarkmq: no listener configured");
    const listeners = await this.ports.listen(configs);
    for (const address of listeners) this.log.info(address, "listening");
    return { host: listeners[0]!.host, port: listeners[0]!.port, listeners };
  }

  /** Re-reads the tls and wss listeners' certificate and key files (the CLI calls it on SIGHUP); open connections keep theirs. */
  async reloadCertificates(): Promise<void> {
    await this.ports.reloadCertificates();
    this.log.info("certificates reloaded");
  }

  private refused(reason: string, remoteAddress: string | undefined): void {
    this.stats.transportRefused++;
    if (this.refusals.has(reason)) return this.log.debug({ remoteAddress }, reason);
    this.refusals.add(reason);
    this.log.warn({ remoteAddress }, `${reason} (connection closed; logged once, counted in stats.transportRefused)`);
  }

  /** Takes a connection from any transport. */
  accept(transport: Transport): void {
    if (this.closing) {
      transport.destroy();
      return;
    }
    this.connections.add(new Connection(this, transport));
  }

  /** Publishes from the host service, as if from a client with no session. */
  async publish(options: PublishOptions): Promise<void> {
    const { topicName, qos = 0, retain = false, properties } = options;
    if (this.topics.checkTopicName(topicName) < 0) throw new MqttError(ReasonCode.TopicNameInvalid, `invalid topic name: ${topicName}`);
    const payload = typeof options.payload === "string" ? Buffer.from(options.payload)
      : Buffer.isBuffer(options.payload) ? options.payload : Buffer.from(options.payload.buffer, options.payload.byteOffset, options.payload.byteLength);
    this.stats.messagesIn++;
    this.publishMessage(messageFrom(topicName, payload, qos, retain, properties), -1);
  }

  /** An in-process subscription; returns its unsubscribe function. Retained messages are delivered first. */
  subscribe(topicFilter: string, handler: (message: BrokerMessage) => void): () => void {
    const local = new LocalSubscription(topicFilter, handler);
    local.subscriberId = this.sessions.allocateId(local);
    const result = this.topics.subscribe(local.subscriberId, topicFilter, 2, 0);
    if (result < 0) {
      this.sessions.releaseId(local.subscriberId);
      throw new MqttError(-result, `invalid topic filter: ${topicFilter}`);
    }
    for (const message of this.retained.match(topicFilter, Date.now())) {
      handler({ topicName: message.topicName, payload: message.payload, qos: message.qos, retain: true, properties: message.properties ?? {} });
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.topics.unsubscribe(local.subscriberId, topicFilter);
      this.sessions.releaseId(local.subscriberId);
    };
  }

  /** Stores a retained message when asked, then routes. publisherId: the publisher's subscriberId or -1. */
  publishMessage(message: Message, publisherId: number): void {
    if (message.retain && this.options.retainAvailable) this.retained.set(message);
    this.router.route(message, publisherId);
  }

  publishWill(will: Will): void {
    if (this.closing) return;
    this.stats.messagesIn++;
    this.publishMessage(willMessage(will), -1);
  }

  clientDisconnected(client: ClientInfo, reasonCode: number): void {
    const event = { client, reasonCode };
    this.hooks.onDisconnect?.(event);
    if (this.listenerCount("clientDisconnect") > 0) this.emit("clientDisconnect", event);
  }

  /** Stops accepting, tells v5 clients 0x8B, flushes and closes every connection, releases timers. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const stopped = this.ports.close();
    const closing: Promise<void>[] = [];
    for (const connection of [...this.connections]) {
      connection.will = undefined;
      closing.push(connection.closed);
      if (connection.state === Lifecycle.Connected) connection.disconnect(ReasonCode.ServerShuttingDown);
      else connection.close(ReasonCode.ServerShuttingDown);
    }
    await Promise.all(closing);
    this.sessions.stop();
    this.backpressure.stop();
    this.timeouts.stop();
    await stopped;
  }
}
