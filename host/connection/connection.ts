// One client connection: its state, lifecycle, keep-alive and CONNECT timeouts, and the server-side ways to end
// it. The bytes-in path is inbound.ts, the bytes-out path outbound.ts; the methods here are their entry points.
import type { Broker } from "../broker.ts";
import type { ClientInfo } from "../hooks.ts";
import type { Will } from "../core/packets.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode, connectReturnCode } from "../protocol/reason-code.ts";
import type { Message } from "../routing/message.ts";
import type { Session } from "../session/session.ts";
import type { Transport, TransportSink } from "../transport/transport.ts";
import { PRESSURE_BYTES } from "./backpressure.ts";
import { holdReading, receive } from "./inbound.ts";
import { forgetConnection, watchPartial } from "../security/connection-limits.ts";
import { Lifecycle } from "./lifecycle.ts";
import { flush, sendAck, sendPublish, write } from "./outbound.ts";
import type { OutboundAliases } from "./outbound-aliases.ts";
import type { Timed } from "./timeouts.ts";

export class Connection implements TransportSink, Timed {
  state = Lifecycle.AwaitingConnect;
  /** 0 until CONNECT, then 3, 4 or 5. */
  protocolLevel = 0;
  readonly client: ClientInfo;
  session: Session | undefined;
  will: Will | undefined;
  keepAlive = 0;
  /** The client's Receive Maximum: QoS 1/2 publishes we may have unacknowledged to it. */
  sendQuota = 65535;
  /** The client's Maximum Packet Size, 0 = no limit. */
  maxPacketSize = 0;
  /** v5 topic aliases the client set towards us, indexed by alias. */
  topicAliases: Array<Uint8Array | undefined> | undefined;
  /** v5 topic aliases we set towards the client; only when its CONNECT Topic Alias Maximum is > 0 [MQTT-3.1.2-27]. */
  outboundAliases: OutboundAliases | undefined;
  /** v5 CONNECT authentication method (AUTH must repeat it). */
  authenticationMethod: string | undefined;
  /** The transport's buffer is over its high-water mark: QoS 1/2 messages wait in the session queue. */
  congested = false;

  /** CONNECT timeout, then keep-alive, on the broker's timer wheel (connection/timeouts.ts). */
  timeoutBase = 0;
  timeoutTicks = 0;
  wheelSlot = -1;
  wheelIndex = 0;
  /** close()'s fallback: destroy the transport if it has not closed 2 s after end(). */
  private destroyTimer: NodeJS.Timeout | undefined;
  /** Inbound framing state (inbound.ts). An incomplete tail (and what arrived after it), made only when there is one. */
  parts: Buffer[] | undefined;
  partsLength = 0;
  need = 0;
  /** The big packet being gathered (allocUnsafe: pages are only touched as bytes arrive), and its bytes so far. */
  big: Buffer | undefined;
  bigFilled = 0;
  /** An async hook is deciding: reading paused, later bytes kept in `parts`. */
  busy = false;
  /** Held back by flow control (connection/backpressure.ts). */
  held = false;
  /** Outbound batch (outbound.ts). This tick's writes: the first alone (most ticks write one buffer), all of them in `out` once there are more. */
  outFirst: Buffer | undefined;
  out: Buffer[] | undefined;
  outBytes = 0;
  flushScheduled = false;
  /** Set only once someone waits for the close (`closed`): an idle connection carries no Promise. */
  private closedWaiter: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(readonly broker: Broker, readonly transport: Transport) {
    this.client = { clientId: "", protocolLevel: 4, remoteAddress: transport.remoteAddress };
    const wheel = broker.timeouts;
    this.timeoutBase = wheel.tick;
    this.timeoutTicks = wheel.ticksFor(broker.options.connectTimeout * 1000);
    wheel.schedule(this);
    transport.bind(this);
  }

  onData(chunk: Buffer): void {
    receive(this, chunk);
    if (this.state !== Lifecycle.Closed) watchPartial(this, this.partsLength > 0 || this.big !== undefined);
  }

  /** Flow control: stop or restart reading (an async hook's pause is kept). */
  holdReading(hold: boolean): void {
    holdReading(this, hold);
  }

  /** Queues bytes for this tick's single write. */
  write(buf: Buffer): void {
    write(this, buf);
  }

  flush(): void {
    flush(this);
  }

  /** Resolved once the connection is closed. */
  get closed(): Promise<void> {
    if (this.state === Lifecycle.Closed) return Promise.resolve();
    if (this.closedWaiter === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => { resolve = r; });
      this.closedWaiter = { promise, resolve };
    }
    return this.closedWaiter.promise;
  }

  onDrain(): void {
    this.congested = false;
    this.relieve();
    this.session?.drain();
  }

  /** Stops holding writers back once both the transport buffer and the session queue are low again. */
  relieve(): void {
    const broker = this.broker;
    if (!broker.backpressure.active) return;
    if (this.transport.writableLength > PRESSURE_BYTES) return;
    const queue = this.session?.queue;
    if (queue !== undefined && (queue.length > broker.options.maxQueuedMessages >> 2 || queue.bytes > broker.options.maxQueuedBytes / 4)) return;
    broker.backpressure.drained(this);
  }

  /** Writes one PUBLISH; false when it was dropped (expired, or larger than the client's Maximum Packet Size). */
  sendPublish(message: Message, qos: number, retain: boolean, dup: boolean, packetId: number,
              subscriptionIds: number[] | undefined): boolean {
    return sendPublish(this, message, qos, retain, dup, packetId, subscriptionIds);
  }

  /** PUBACK, PUBREC, PUBREL or PUBCOMP (outbound.ts). */
  sendAck(type: PacketType, packetId: number, reasonCode: number): void {
    sendAck(this, type, packetId, reasonCode);
  }

  sendPubrel(packetId: number): void {
    this.sendAck(PacketType.Pubrel, packetId, 0);
  }

  /** Accepted: keep-alive replaces the CONNECT timeout. */
  connected(): void {
    this.state = Lifecycle.Connected;
    const wheel = this.broker.timeouts;
    if (this.keepAlive === 0) {
      wheel.cancel(this);
      return;
    }
    this.timeoutBase = wheel.tick;
    this.timeoutTicks = wheel.ticksFor(this.keepAlive * 1500);
    wheel.schedule(this);
  }

  onTimeout(): void {
    if (this.state === Lifecycle.Closed) return;
    if (this.state === Lifecycle.Connected) {
      this.broker.log.info({ clientId: this.client.clientId }, "keep-alive timeout");
      this.disconnect(ReasonCode.KeepAliveTimeout);
    } else {
      this.close(ReasonCode.MaximumConnectTime);
    }
  }

  /** Refuses a CONNECT: CONNACK with the reason code (v5) or its return code (3.1/3.1.1), then close;
   *  session present is 0, v5 [MQTT-3.2.2-6], v3.1.1 [MQTT-3.2.2-4]. */
  refuseConnect(reasonCode: number, level = this.protocolLevel): void {
    if (this.state === Lifecycle.Closed) return;
    const codec = this.broker.codec;
    if (level === 5) this.write(codec.encodeConnack(5, false, reasonCode));
    else {
      const returnCode = connectReturnCode(reasonCode);
      if (returnCode !== undefined) this.write(codec.encodeConnack(level === 3 ? 3 : 4, false, returnCode));
    }
    this.close(reasonCode);
  }

  /** Server-side end of a connected client: v5 DISCONNECT with the reason code (v5 4.13), then close. Wills go out. */
  disconnect(reasonCode: number): void {
    if (this.state === Lifecycle.Connected && this.protocolLevel === 5) {
      this.write(this.broker.codec.encodeDisconnect(5, reasonCode));
    }
    this.close(reasonCode);
  }

  /** Flushes, ends the transport, and finishes the connection (the will, if still set, is published). */
  close(reasonCode: number): void {
    if (this.state === Lifecycle.Closed) return;
    this.flush();
    this.transport.end();
    this.finish(reasonCode);
    this.destroyTimer = setTimeout(destroyTransport, 2000, this.transport).unref();
  }

  onClose(error?: Error): void {
    clearTimeout(this.destroyTimer); // the transport is gone: close()'s fallback timer must not keep this connection for 2 s
    if (error !== undefined && this.state === Lifecycle.Connected) {
      this.broker.log.debug({ clientId: this.client.clientId, err: error.message }, "transport error");
    }
    this.finish(ReasonCode.UnspecifiedError);
  }

  private finish(reasonCode: number): void {
    if (this.state === Lifecycle.Closed) return;
    const wasConnected = this.state === Lifecycle.Connected;
    const broker = this.broker;
    this.state = Lifecycle.Closed;
    broker.timeouts.cancel(this);
    this.outFirst = undefined;
    this.out = undefined;
    this.outBytes = 0;
    this.parts = undefined;
    this.partsLength = 0;
    this.big = undefined;
    broker.connections.delete(this);
    broker.security.release(this.transport.remoteAddress);
    forgetConnection(this);
    broker.backpressure.forget(this);
    const session = this.session;
    const will = this.will;
    this.will = undefined;
    if (session !== undefined && session.connection === this) session.detach(will);
    if (wasConnected) {
      broker.stats.connections--;
      broker.clientDisconnected(this.client, reasonCode);
    }
    this.closedWaiter?.resolve();
  }
}

function destroyTransport(transport: Transport): void {
  transport.destroy();
}