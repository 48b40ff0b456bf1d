// One client connection: its state, lifecycle, keep-alive and CONNECT timeouts, and the server-side ways to end
// it. The bytes-in path is inbound.ts (InboundReader), the bytes-out path outbound.ts (OutboundWriter); what was
// agreed with the client is client-terms.ts, the end's fallback and promise closing.ts.
import type { Properties, Will } from "../core/packets.ts";
import type { ClientInfo } from "../hooks.ts";
import { fitPacket, withoutProblemInformation } from "../protocol/packet-limit.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import type { Message } from "../routing/message.ts";
import type { Reach } from "../routing/reach.ts";
import type { Outlet } from "../session/outlet.ts";
import type { Session } from "../session/session.ts";
import type { Transport, TransportSink } from "../transport/transport.ts";
import { ClientTerms } from "./client-terms.ts";
import { Closing } from "./closing.ts";
import { readBegins, readDone } from "./flush-queue.ts";
import { InboundAliases } from "./inbound-aliases.ts";
import type { ConnectionContext, Negotiated } from "./context.ts";
import { InboundReader, type InboundOwner } from "./inbound.ts";
import { Lifecycle } from "./lifecycle.ts";
import { ackBytes, OutboundWriter } from "./outbound.ts";
import { countTooLarge, refusalConnack, writePublish } from "./connection-writes.ts";
import { watchPartial } from "../security/connection-limits.ts";
import type { Deadline, Timed } from "./timeouts.ts";

export class Connection implements TransportSink, Timed, Outlet, InboundOwner {
  readonly client: ClientInfo;
  private lifecycle = Lifecycle.AwaitingConnect;
  private readonly terms = new ClientTerms();
  private attached: Session | undefined;
  private inboundAliases: InboundAliases | undefined;
  /** CONNECT timeout, then keep-alive; dropped once connected without keep-alive (nothing more times out). */
  private deadline: Deadline | undefined;
  private readonly reader: InboundReader<Connection>;
  private readonly writer: OutboundWriter;
  /** quotaExceeded() has been called: the DISCONNECT is on its way. */
  private overQuota = false;
  /** The end's fallback timer and promise (closing.ts), made at close() or once someone waits for the close. */
  private closing: Closing | undefined;

  constructor(private readonly context: ConnectionContext<Connection>, readonly transport: Transport) {
    this.client = { clientId: "", protocolLevel: 4, remoteAddress: transport.remoteAddress, transport: transport.kind, certificate: transport.certificate };
    this.reader = new InboundReader(this, context);
    this.writer = new OutboundWriter(transport, context.stats, context.backpressure, this, context.options.maxQueuedQoS0Bytes);
    const deadline = this.deadline = context.timeouts.deadline(this);
    deadline.start(context.options.connectTimeout * 1000);
    transport.bind(this);
  }

  get state(): Lifecycle { return this.lifecycle; }
  get session(): Session | undefined { return this.attached; }
  /** What was agreed with the client (client-terms.ts). */
  get protocolLevel(): number { return this.terms.level; }
  get keepAlive(): number { return this.terms.keepAlive; }
  get sendQuota(): number { return this.terms.sendQuota; }
  get authenticationMethod(): string | undefined { return this.terms.authenticationMethod; }
  get congested(): boolean { return this.writer.congested; }
  get slow(): boolean { return this.context.backpressure.isSlow(this); }
  get behind(): boolean { return this.context.backpressure.isBehind(this); }
  /** Where the publishes of the chunk being read went (handlers/publish.ts passes it to routing). */
  get reach(): Reach { return this.reader.reach; }

  /** One chunk read: its packets are handled, then everything they queued (here and to other clients) is written. */
  onData(chunk: Buffer): void {
    readBegins();
    try {
      this.reader.receive(chunk);
      if (this.lifecycle !== Lifecycle.Closed) watchPartial(this.context, this, this.reader.partial);
    } finally {
      readDone();
    }
  }

  /** Flow control: stop or restart reading (an async hook's pause is kept). */
  holdReading(hold: boolean): void {
    this.reader.holdReading(hold);
  }

  /** The one send gate of every packet but PUBLISH (whose own rule is in publishHeader): queues it for this tick's
   *  single write, within the client's v5 Maximum Packet Size, its Reason String and User Properties dropped first if
   *  they would cross it. False when even that is too large: it is not sent and the connection closes. */
  write(buf: Buffer): boolean {
    const { problemInformation, maxPacketSize } = this.terms;
    const fitted = fitPacket(problemInformation ? buf : withoutProblemInformation(buf), maxPacketSize);
    if (fitted !== undefined) {
      this.context.stats.packetsSent++;
      this.writer.write(fitted);
      return true;
    }
    this.tooLarge(buf[0]! >> 4, buf.length); // v5 [MQTT-3.1.2-24]
    return false;
  }

  /** A packet over the client's Maximum Packet Size: counted, logged, not sent. A CONNACK means the connection closes
   *  with nothing sent (no will: it was never accepted); after it, DISCONNECT 0x95 when that fits, then the close. */
  private tooLarge(type: number, length: number): void {
    countTooLarge(this.context, this.client.clientId, type, length, this.terms.maxPacketSize);
    if (type === PacketType.Connack) this.terms.dropWill();
    if (type === PacketType.Connack || type === PacketType.Disconnect) this.close(ReasonCode.PacketTooLarge);
    else this.disconnect(ReasonCode.PacketTooLarge);
  }

  /** Resolved once the connection is closed. */
  get closed(): Promise<void> {
    if (this.lifecycle === Lifecycle.Closed) return Promise.resolve();
    return (this.closing ??= new Closing()).promise;
  }

  onDrain(): void {
    this.writer.drained();
    this.relieve();
    this.attached?.drain();
  }

  /** Stops holding writers back once both the transport buffer and the session queue are low again. */
  relieve(): void {
    const { backpressure, options } = this.context;
    if (backpressure.active) backpressure.relieve(this, this.transport.writableLength, this.attached?.queue, options);
  }

  pressWriters(): void {
    this.context.backpressure.press(this);
  }

  /** queueOverflow "disconnect": counted, logged once, then DISCONNECT 0x97 (v5; 3.1.1 closes) after the routing in
   *  progress, so no session ends and no will goes out in the middle of a fan-out. */
  quotaExceeded(): void {
    if (this.lifecycle !== Lifecycle.Connected || this.overQuota) return;
    this.overQuota = true;
    this.context.security.counters.slowSubscriberDisconnects++;
    this.context.log.warn({ clientId: this.client.clientId }, "session queue full: disconnecting (queueOverflow: disconnect)");
    queueMicrotask(() => this.disconnect(ReasonCode.QuotaExceeded));
  }

  /** Writes one PUBLISH; false when it was dropped (a QoS 0 backlog, expired, or larger than the client's Maximum Packet Size). */
  sendPublish(message: Message, qos: number, retain: boolean, dup: boolean, packetId: number,
              subscriptionIds: number[] | undefined): boolean {
    const { stats, publishEncoder } = this.context, terms = this.terms;
    return writePublish(stats, publishEncoder, this.writer, terms.outboundAliases, terms.level, terms.maxPacketSize,
      message, qos, retain, dup, packetId, subscriptionIds);
  }

  /** PUBACK, PUBREC, PUBREL or PUBCOMP. */
  sendAck(type: PacketType, packetId: number, reasonCode: number, properties?: Properties): void {
    this.write(ackBytes(this.context.encoder, this.terms.level, type, packetId, reasonCode, properties));
  }

  sendPubrel(packetId: number): void {
    this.sendAck(PacketType.Pubrel, packetId, 0);
  }

  /** The topic name of a v5 PUBLISH with a Topic Alias (inbound-aliases.ts). */
  resolveTopicAlias(topic: Uint8Array, alias: number): Uint8Array {
    return (this.inboundAliases ??= new InboundAliases()).resolve(topic, alias, this.context.options.topicAliasMaximum);
  }

  /** A CONNECT of protocol `level` is being decided (ClientTerms.connecting). */
  connecting(level: 3 | 4 | 5, maxPacketSize: number, problemInformation: boolean): void {
    this.terms.connecting(level, maxPacketSize, problemInformation);
    this.client.protocolLevel = level;
    this.lifecycle = Lifecycle.Connecting;
  }

  /** The CONNECT handler accepted the client with these settings; its session attaches. */
  negotiated(settings: Negotiated): void {
    this.terms.agreed(settings);
    this.attached = settings.session;
    settings.session.attach(this, settings.will);
  }

  /** CONNACK sent: keep-alive replaces the CONNECT timeout. */
  connected(): void {
    this.lifecycle = Lifecycle.Connected;
    const keepAlive = this.terms.keepAlive;
    if (keepAlive > 0) this.deadline!.start(keepAlive * 1500);
    else {
      this.deadline!.cancel();
      this.deadline = undefined;
    }
  }

  /** The will to publish if the connection ends without DISCONNECT (the broker's close reads it). */
  get pendingWill(): Will | undefined { return this.terms.will; }
  /** The will is not to be published (a normal DISCONNECT, broker close). */
  discardWill(): void { this.terms.dropWill(); }

  /** A packet arrived: the keep-alive deadline moves, v5 [MQTT-3.1.2-22], v3.1.1 [MQTT-3.1.2-24]. */
  packetReceived(): void {
    if (this.terms.keepAlive > 0 && this.lifecycle === Lifecycle.Connected) this.deadline!.touch();
  }

  onTimeout(): void {
    if (this.lifecycle === Lifecycle.Closed) return;
    if (this.lifecycle === Lifecycle.Connected) {
      this.context.log.info({ clientId: this.client.clientId }, "keep-alive timeout");
      this.disconnect(ReasonCode.KeepAliveTimeout);
    } else {
      this.close(ReasonCode.MaximumConnectTime);
    }
  }

  /** Refuses a CONNECT: CONNACK with the reason code (v5) or its return code (3.1/3.1.1), then close;
   *  session present is 0, v5 [MQTT-3.2.2-6], v3.1.1 [MQTT-3.2.2-4]. */
  refuseConnect(reasonCode: number, properties?: Properties, level = this.terms.level): void {
    if (this.lifecycle === Lifecycle.Closed) return;
    const connack = refusalConnack(this.context.encoder, level, reasonCode, properties);
    if (connack !== undefined) this.write(connack);
    this.close(reasonCode);
  }

  /** Server-side end of a connected client: v5 DISCONNECT with the reason code (v5 4.13), then close. Wills go out. */
  disconnect(reasonCode: number, properties?: Properties): void {
    if (this.lifecycle === Lifecycle.Connected && this.terms.level === 5) {
      this.write(this.context.encoder.encodeDisconnect(5, reasonCode, properties));
    }
    this.close(reasonCode);
  }

  /** Flushes, ends the transport, and finishes the connection (the will, if still set, is published). */
  close(reasonCode: number): void {
    if (this.lifecycle === Lifecycle.Closed) return;
    this.writer.flush();
    (this.closing ??= new Closing()).end(this.transport);
    this.finish(reasonCode);
  }

  onClose(error?: Error): void {
    this.closing?.transportGone();
    if (error !== undefined && this.lifecycle === Lifecycle.Connected) {
      this.context.log.debug({ clientId: this.client.clientId, err: error.message }, "transport error");
    }
    this.finish(ReasonCode.UnspecifiedError);
  }

  private finish(reasonCode: number): void {
    if (this.lifecycle === Lifecycle.Closed) return;
    const wasConnected = this.lifecycle === Lifecycle.Connected;
    const context = this.context;
    this.lifecycle = Lifecycle.Closed;
    this.deadline?.cancel();
    this.writer.close();
    this.reader.clear();
    context.backpressure.forget(this);
    const session = this.attached;
    const will = this.terms.takeWill();
    if (session !== undefined && session.connection === this) session.detach(will);
    context.connectionClosed(this, reasonCode, wasConnected);
    this.closing?.resolve();
  }
}
