// One client connection: framing state (only an incomplete tail), the outbound batch written once
// per tick, keep-alive and CONNECT timeouts, lifecycle, and the server-side ways to end it.
import type { Broker } from "../broker.ts";
import type { ClientInfo } from "../hooks.ts";
import type { Will } from "../core/packets.ts";
import { HEAD_BYTES } from "../core/codec.ts";
import { MAX_RECORDS, R_LENGTH, R_START } from "../core/layout.ts";
import { dispatch, fail } from "../handlers/index.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode, connectReturnCode } from "../protocol/reason-code.ts";
import type { Message } from "../routing/message.ts";
import type { Session } from "../session/session.ts";
import type { Transport, TransportSink } from "../transport/transport.ts";
import { PRESSURE_BYTES } from "./backpressure.ts";
import { scheduleFlush } from "./flush-queue.ts";
import { CONCAT_BYTES, slabs } from "./write-batch.ts";
import { Lifecycle } from "./lifecycle.ts";
import type { OutboundAliases } from "./outbound-aliases.ts";
import type { Timed } from "./timeouts.ts";

/** Queued-but-unsent bytes above which QoS 0 messages to this client are dropped; a queue of up to two
 *  messages of the size being sent is always allowed, so large payloads to a reader that keeps up get through. */
const QOS0_DROP_BYTES = 8 << 20;
/** Largest first packet (the CONNECT) buffered before a client is accepted: its fields are each at most 64 KiB,
 *  so this leaves room for v5 properties while an unauthenticated client cannot make us buffer maxPacketSize. */
const CONNECT_MAX_BYTES = 1 << 20;
/** A packet longer than this is gathered into one Buffer of its length (`big`) and framed from its head
 *  (Codec.frameHead), so its payload is copied once and never into Wasm memory. */
const BIG_PACKET_BYTES = 64 << 10;

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
  /** An incomplete tail (and what arrived after it), made only when there is one. */
  private parts: Buffer[] | undefined;
  private partsLength = 0;
  private need = 0;
  /** The big packet being gathered (allocUnsafe: pages are only touched as bytes arrive), and its bytes so far. */
  private big: Buffer | undefined;
  private bigFilled = 0;
  /** An async hook is deciding: reading paused, later bytes kept in `parts`. */
  private busy = false;
  /** Held back by flow control (connection/backpressure.ts). */
  private held = false;
  /** This tick's writes: the first alone (most ticks write one buffer), all of them in `out` once there are more. */
  private outFirst: Buffer | undefined;
  private out: Buffer[] | undefined;
  private outBytes = 0;
  private flushScheduled = false;
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
    this.broker.stats.bytesIn += chunk.length;
    if (this.state === Lifecycle.Closed) return;
    let data = chunk;
    if (this.big !== undefined && !this.busy) {
      const n = this.gather(chunk);
      if (n === chunk.length) return;
      data = chunk.subarray(n);
    }
    if (this.partsLength > 0 || this.busy) {
      (this.parts ??= []).push(data);
      this.partsLength += data.length;
      if (this.busy || this.partsLength < this.need) return;
      data = this.takeParts();
    }
    this.process(data);
    if (this.broker.backpressure.active && (this.state as Lifecycle) !== Lifecycle.Closed) this.broker.backpressure.hold(this);
  }

  /** Flow control: stop or restart reading (an async hook's pause is kept). */
  holdReading(hold: boolean): void {
    this.held = hold;
    if (this.state === Lifecycle.Closed || this.busy) return;
    if (hold) this.transport.pause();
    else this.transport.resume();
  }

  /** Copies the start of `chunk` into the big packet; once it is whole, frames and dispatches it.
   *  Returns the bytes of `chunk` used, or chunk.length when nothing more is to be done with it now. */
  private gather(chunk: Buffer): number {
    const big = this.big!;
    const n = Math.min(chunk.length, big.length - this.bigFilled);
    chunk.copy(big, this.bigFilled, 0, n);
    this.bigFilled += n;
    if (this.bigFilled < big.length) return chunk.length;
    this.big = undefined;
    this.bigFilled = 0;
    this.broker.codec.frameHead(big, this.protocolLevel, this.broker.options.maxPacketSize);
    if (this.keepAlive > 0 && this.state === Lifecycle.Connected) this.timeoutBase = this.broker.timeouts.tick; // v5 [MQTT-3.1.2-22], v3.1.1 [MQTT-3.1.2-24]
    const pending = dispatch(this, big, 0);
    if (this.state === Lifecycle.Closed) return chunk.length;
    if (pending !== undefined) this.suspend(pending, big.subarray(big.length));
    if (n === chunk.length && this.broker.backpressure.active) this.broker.backpressure.hold(this);
    return n;
  }

  private takeParts(): Buffer {
    const parts = this.parts!;
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.partsLength);
    this.parts = undefined;
    this.partsLength = 0;
    this.need = 0;
    return data;
  }

  /** Frames every whole packet of `data` (one core call per up to MAX_RECORDS packets and HEAD_BYTES, so the inbox
   *  stays small however big `data` is; a longer packet wholly in `data` through frameHead) and dispatches them. */
  private process(data: Buffer): void {
    const codec = this.broker.codec;
    const maxPacketSize = this.broker.options.maxPacketSize;
    for (;;) {
      const whole = data.length <= HEAD_BYTES;
      let count = codec.frame(data, whole ? data.length : HEAD_BYTES, this.protocolLevel, maxPacketSize);
      if (count === 0 && !whole && codec.needLength > 0 && codec.needLength <= data.length) {
        count = codec.frameHead(data.subarray(0, codec.needLength), this.protocolLevel, maxPacketSize);
      }
      if (count > 0 && this.keepAlive > 0 && this.state === Lifecycle.Connected) this.timeoutBase = this.broker.timeouts.tick; // v5 [MQTT-3.1.2-22], v3.1.1 [MQTT-3.1.2-24]
      for (let r = 0; r < count; r++) {
        const pending = dispatch(this, data, r);
        if (this.state === Lifecycle.Closed) return;
        if (pending !== undefined) {
          this.suspend(pending, data.subarray(codec.word(r, R_START) + codec.word(r, R_LENGTH)));
          return;
        }
      }
      const consumed = codec.consumed;
      if (consumed >= data.length) return;
      data = data.subarray(consumed);
      if (count < MAX_RECORDS && (whole || codec.needLength > data.length)) {
        if (count === 0 && this.state === Lifecycle.AwaitingConnect && codec.needLength > CONNECT_MAX_BYTES) {
          fail(this, new MqttError(ReasonCode.PacketTooLarge, "CONNECT larger than CONNECT_MAX_BYTES"));
          return;
        }
        if (codec.needLength > BIG_PACKET_BYTES) {
          this.big = Buffer.allocUnsafe(codec.needLength);
          this.bigFilled = data.copy(this.big);
          return;
        }
        this.parts = [data];
        this.partsLength = data.length;
        this.need = codec.needLength;
        return;
      }
    }
  }

  /** An async hook is deciding: stop reading, keep the unhandled bytes, continue when it settles. */
  private suspend(pending: Promise<void>, rest: Buffer): void {
    this.busy = true;
    if (rest.length > 0) {
      (this.parts ??= []).unshift(rest);
      this.partsLength += rest.length;
    }
    this.transport.pause();
    pending.then(() => {
      this.busy = false;
      if (this.state === Lifecycle.Closed) return;
      if (!this.held) this.transport.resume();
      if (this.partsLength > 0) this.process(this.takeParts());
    }, (error: unknown) => {
      this.busy = false;
      fail(this, error);
    });
  }

  /** Queues bytes for this tick's single write. */
  write(buf: Buffer): void {
    if (this.state === Lifecycle.Closed) return;
    if (this.outFirst === undefined) this.outFirst = buf;
    else {
      const out = this.out ??= [];
      if (out.length === 0) out.push(this.outFirst!);
      out.push(buf);
    }
    this.outBytes += buf.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      scheduleFlush(this);
    }
  }

  flush(): void {
    this.flushScheduled = false;
    const first = this.outFirst;
    if (first === undefined) return;
    this.outFirst = undefined;
    const out = this.out;
    const bytes = this.outBytes;
    this.broker.stats.bytesOut += bytes;
    let ok: boolean;
    if (out === undefined || out.length === 0) ok = this.transport.write(first);
    else if (bytes <= CONCAT_BYTES) ok = this.transport.write(Buffer.concat(out, bytes));
    else ok = this.transport.writev(slabs(out));
    if (out !== undefined) out.length = 0;
    this.outBytes = 0;
    if (!ok) {
      this.congested = true;
      if (this.transport.writableLength > PRESSURE_BYTES) this.broker.backpressure.press(this);
    }
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
    const broker = this.broker;
    const queued = qos === 0 ? this.transport.writableLength + this.outBytes : 0;
    if (queued > QOS0_DROP_BYTES && queued > 2 * message.payload.length) {
      broker.stats.dropped++;
      return false;
    }
    const encoder = broker.encoder;
    const aliases = this.outboundAliases;
    let topicAlias = 0, aliasSet = false;
    if (aliases !== undefined) {
      topicAlias = aliases.get(message.topicName);
      aliasSet = topicAlias > 0;
      if (!aliasSet) topicAlias = aliases.next();
    }
    const header = encoder.encode(message, this.protocolLevel, qos, retain, dup, subscriptionIds, topicAlias, aliasSet);
    const payload = message.payload;
    if (header === undefined || (this.maxPacketSize > 0 && header.length + payload.length > this.maxPacketSize)) {
      broker.stats.dropped++; // v5 [MQTT-3.3.2-5] [MQTT-3.1.2-25]
      return false;
    }
    if (topicAlias > 0 && !aliasSet) aliases!.set(message.topicName, topicAlias);
    if (qos > 0) {
      const patched = Buffer.allocUnsafe(header.length);
      header.copy(patched);
      const at = encoder.packetIdOffset;
      patched[at] = packetId >> 8;
      patched[at + 1] = packetId & 0xff;
      this.write(patched);
    } else {
      this.write(header);
    }
    if (payload.length > 0) this.write(payload);
    broker.stats.messagesOut++;
    return true;
  }

  /** PUBACK, PUBREC, PUBREL or PUBCOMP. With reason code 0 and no properties every version encodes the same
   *  4 bytes (v5 3.4.2.1: the reason code may be omitted), written here without a core call. */
  sendAck(type: PacketType, packetId: number, reasonCode: number): void {
    if (reasonCode === 0 || this.protocolLevel !== 5) {
      const ack = Buffer.allocUnsafe(4);
      ack[0] = (type << 4) | (type === PacketType.Pubrel ? 2 : 0);
      ack[1] = 2;
      ack[2] = packetId >> 8;
      ack[3] = packetId & 0xff;
      this.write(ack);
      return;
    }
    this.write(this.broker.codec.encodeAck(type, 5, packetId, reasonCode));
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
