// The bytes-in path of a connection: frames each chunk (keeping only an incomplete tail, gathering a big
// packet into one Buffer of its length), dispatches the packets, and pauses reading while an async hook decides.
// The framing state (tail, big packet, pause) is this reader's alone.
import type { BrokerOptions } from "../config/options.ts";
import { FrameResult, type Framer, HEAD_BYTES, MAX_RECORDS } from "../core/framer.ts";
import type { Records } from "../core/records.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { Reach } from "../routing/reach.ts";
import type { BrokerStats } from "../stats.ts";
import type { Transport } from "../transport/transport.ts";
import type { Backpressure, Holdable } from "./backpressure.ts";
import { Lifecycle } from "./lifecycle.ts";

/** Largest first packet (the CONNECT) buffered before a client is accepted: its fields are each at most 64 KiB,
 *  so this leaves room for v5 properties while an unauthenticated client cannot make us buffer maxPacketSize. */
const CONNECT_MAX_BYTES = 1 << 20;
/** A packet longer than this is gathered into one Buffer of its length (`big`) and framed from its head
 *  (Framer.frameHead), so its payload is copied once and never into Wasm memory. */
const BIG_PACKET_BYTES = 64 << 10;
/** The results of the last framing call, shared by every reader: each reads them right after its call, before
 *  dispatching (nothing per connection; the records the call wrote are shared the same way). */
const framed = new FrameResult();

/** The connection a reader serves. */
export interface InboundOwner extends Holdable {
  readonly state: Lifecycle;
  readonly protocolLevel: number;
  readonly transport: Transport;
  /** A packet arrived (keep-alive). */
  packetReceived(): void;
}

/** Where framed packets go (handlers/index.ts Dispatcher): a Promise while an async hook decides. */
export interface PacketSink<C> {
  dispatch(connection: C, bytes: Buffer, record: number): void | Promise<void>;
  /** Ends the connection for a protocol violation (or a failing handler). */
  fail(connection: C, error: unknown): void;
}

export interface InboundServices<C> {
  readonly options: Pick<BrokerOptions, "maxPacketSize">;
  readonly stats: BrokerStats;
  readonly framer: Framer;
  readonly records: Records;
  readonly backpressure: Backpressure;
  readonly packets: PacketSink<C>;
}

export class InboundReader<C extends InboundOwner> {
  /** An incomplete tail (and what arrived after it), made only when there is one. */
  private parts: Buffer[] | undefined;
  private partsLength = 0;
  /** Length of the packet the tail starts, once its fixed header is in. */
  private need = 0;
  /** The big packet being gathered (allocUnsafe: pages are only touched as bytes arrive), and its bytes so far. */
  private big: Buffer | undefined;
  private bigFilled = 0;
  /** An async hook is deciding: reading paused, later bytes kept in `parts`. */
  private busy = false;
  /** Held back by flow control (connection/backpressure.ts). */
  private held = false;
  /** Where the publishes of the chunk being handled went (routing fills it): flow control holds this connection
   *  after the chunk only when every reader they reached is behind. */
  readonly reach = new Reach();

  constructor(private readonly connection: C, private readonly services: InboundServices<C>) {}

  /** One chunk from the transport. */
  receive(chunk: Buffer): void {
    const connection = this.connection;
    this.services.stats.bytesIn += chunk.length;
    if (connection.state === Lifecycle.Closed) return;
    this.reach.reset();
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
    this.frameAndDispatch(data);
    if ((connection.state as Lifecycle) !== Lifecycle.Closed) this.holdIfBehind();
  }

  /** Flow control after a chunk: when its publishes all went to readers that are behind, stop reading until one
   *  drains; when they also reached a reader that keeps up, a reader behind is let go (nobody waits for it). */
  private holdIfBehind(): void {
    const backpressure = this.services.backpressure;
    if (!backpressure.active) return;
    const reach = this.reach;
    const reader = reach.waitFor;
    if (reader !== undefined) backpressure.hold(this.connection, reader);
    else {
      const outpaced = reach.outpaced;
      if (outpaced !== undefined) backpressure.letGo(outpaced);
    }
  }

  /** Flow control: stop or restart reading (an async hook's pause is kept). */
  holdReading(hold: boolean): void {
    this.held = hold;
    if (this.connection.state === Lifecycle.Closed || this.busy) return;
    if (hold) this.connection.transport.pause();
    else this.connection.transport.resume();
  }

  /** An incomplete packet is held, waiting for more bytes. */
  get partial(): boolean {
    return this.partsLength > 0 || this.big !== undefined;
  }

  /** The connection closed: drop what was kept. */
  clear(): void {
    this.parts = undefined;
    this.partsLength = 0;
    this.big = undefined;
  }

  /** Copies the start of `chunk` into the big packet; once it is whole, frames and dispatches it.
   *  Returns the bytes of `chunk` used, or chunk.length when nothing more is to be done with it now. */
  private gather(chunk: Buffer): number {
    const connection = this.connection, services = this.services;
    const big = this.big!;
    const n = Math.min(chunk.length, big.length - this.bigFilled);
    chunk.copy(big, this.bigFilled, 0, n);
    this.bigFilled += n;
    if (this.bigFilled < big.length) return chunk.length;
    this.big = undefined;
    this.bigFilled = 0;
    services.framer.frameHead(big, connection.protocolLevel, services.options.maxPacketSize, framed);
    connection.packetReceived();
    const pending = services.packets.dispatch(connection, big, 0);
    if (connection.state === Lifecycle.Closed) return chunk.length;
    if (pending !== undefined) this.suspend(pending, big.subarray(big.length));
    if (n === chunk.length) this.holdIfBehind();
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
  private frameAndDispatch(data: Buffer): void {
    const connection = this.connection, services = this.services;
    const framer = services.framer, packets = services.packets;
    const maxPacketSize = services.options.maxPacketSize;
    for (;;) {
      const whole = data.length <= HEAD_BYTES;
      let count = framer.frame(data, whole ? data.length : HEAD_BYTES, connection.protocolLevel, maxPacketSize, framed);
      if (count === 0 && !whole && framed.needLength > 0 && framed.needLength <= data.length) {
        count = framer.frameHead(data.subarray(0, framed.needLength), connection.protocolLevel, maxPacketSize, framed);
      }
      const consumed = framed.consumed, needLength = framed.needLength;
      if (count > 0) connection.packetReceived();
      for (let r = 0; r < count; r++) {
        const pending = packets.dispatch(connection, data, r);
        if (connection.state === Lifecycle.Closed) return;
        if (pending !== undefined) {
          this.suspend(pending, data.subarray(services.records.end(r)));
          return;
        }
      }
      if (consumed >= data.length) return;
      data = data.subarray(consumed);
      if (count < MAX_RECORDS && (whole || needLength > data.length)) {
        if (count === 0 && connection.state === Lifecycle.AwaitingConnect && needLength > CONNECT_MAX_BYTES) {
          packets.fail(connection, new MqttError(ReasonCode.PacketTooLarge, "CONNECT larger than CONNECT_MAX_BYTES"));
          return;
        }
        if (needLength > BIG_PACKET_BYTES) {
          this.big = Buffer.allocUnsafe(needLength);
          this.bigFilled = data.copy(this.big);
          return;
        }
        this.parts = [data];
        this.partsLength = data.length;
        this.need = needLength;
        return;
      }
    }
  }

  /** An async hook is deciding: stop reading, keep the unhandled bytes, continue when it settles. */
  private suspend(pending: Promise<void>, rest: Buffer): void {
    const connection = this.connection;
    this.busy = true;
    if (rest.length > 0) {
      (this.parts ??= []).unshift(rest);
      this.partsLength += rest.length;
    }
    connection.transport.pause();
    pending.then(() => {
      this.busy = false;
      if (connection.state === Lifecycle.Closed) return;
      if (!this.held) connection.transport.resume();
      if (this.partsLength > 0) this.frameAndDispatch(this.takeParts());
    }, (error: unknown) => {
      this.busy = false;
      this.services.packets.fail(connection, error);
    });
  }
}
