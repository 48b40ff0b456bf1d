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
import { TcpListener } from "./transport/tcp.ts";
import type { ClientAcl } from "./security/client-acl.ts";
import { Security } from "./security/security.ts";
import type { Listener, Transport } from "./transport/transport.ts";

export interface BrokerStats {
  /** MQTT clients connected (CONNACK accepted, not yet closed). */
  connections: number;
  messagesIn: number;
  messagesOut: number;
  /** Messages not delivered to a recipient: queue full, expired, too large, or a congested client at QoS 0. */
  dropped: number;
  protocolErrors: number;
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
  /** The ACL file, failed logins, connection caps, auth methods and the counters of every limit hit. */
  readonly security: Security;
  readonly stats: BrokerStats = { connections: 0, messagesIn: 0, messagesOut: 0, dropped: 0, protocolErrors: 0, bytesIn: 0, bytesOut: 0 };
  private listener: Listener | undefined;
  private closing = false;

  constructor(options: Partial<BrokerOptions> = {}) {
    super();
    this.options = { ...defaultOptions, hooks: {}, ...options, logLevel: options.logLevel ?? "silent" };
    const methods = Object.keys(options.authMethods ?? {}).length > 0;
    if (methods && options.allowAnonymous === undefined) this.options.allowAnonymous = false; // credentials configured: closed by default
    this.hooks = this.options.hooks;
    this.log = options.logger ?? createLogger(this.options.logLevel);
    this.router = new Router(this.topics, this.sessions, this.log);
    this.security = new Security(this.options);
  }

  /** Starts the TCP listener (options.tcp). */
  async listen(): Promise<{ host: string; port: number }> {
    const tcp = this.options.tcp;
    if (tcp === false) throw new Error("quarkmq: no tcp listener configured");
    this.listener = new TcpListener(tcp.host, tcp.port, (transport) => this.accept(transport));
    const address = await this.listener.listen();
    this.log.info(address, "listening");
    return address;
  }

  /** Takes a connection from any transport. */
  accept(transport: Transport): void {
    if (this.closing || !this.security.admit(transport.remoteAddress)) {
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

  /** A will going out; with an ACL file, only to a topic its client may still publish to. */
  publishWill(will: Will, acl: ClientAcl | undefined): void {
    if (this.closing) return;
    if (acl !== undefined && !this.security.current(acl).mayPublish(will.topicName)) {
      this.security.counters.aclWillDenied++;
      return;
    }
    this.stats.messagesIn++;
    this.publishMessage(willMessage(will), -1);
  }

  /** SIGHUP: re-reads the ACL file (host/config/reload.ts); the errors, none when the new rules are in force. */
  reloadAcl(): string[] {
    return this.security.reloadAcl();
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
    const stopped = this.listener?.close();
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
