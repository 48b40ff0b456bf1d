// The bytes-in path of a connection: frames each chunk (keeping only an incomplete tail, gathering a big
// packet into one Buffer of its length), dispatches the packets, and pauses reading while an async hook decides.
import { HEAD_BYTES } from "../core/codec.ts";
import { MAX_RECORDS, R_LENGTH, R_START } from "../core/layout.ts";
import { dispatch, fail } from "../handlers/index.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import type { Connection } from "./connection.ts";
import { Lifecycle } from "./lifecycle.ts";

/** Largest first packet (the CONNECT) buffered before a client is accepted: its fields are each at most 64 KiB,
 *  so this leaves room for v5 properties while an unauthenticated client cannot make us buffer maxPacketSize. */
const CONNECT_MAX_BYTES = 1 << 20;
/** A packet longer than this is gathered into one Buffer of its length (`big`) and framed from its head
 *  (Codec.frameHead), so its payload is copied once and never into Wasm memory. */
const BIG_PACKET_BYTES = 64 << 10;

/** One chunk from the transport. */
export function receive(connection: Connection, chunk: Buffer): void {
  connection.broker.stats.bytesIn += chunk.length;
  if (connection.state === Lifecycle.Closed) return;
  let data = chunk;
  if (connection.big !== undefined && !connection.busy) {
    const n = gather(connection, chunk);
    if (n === chunk.length) return;
    data = chunk.subarray(n);
  }
  if (connection.partsLength > 0 || connection.busy) {
    (connection.parts ??= []).push(data);
    connection.partsLength += data.length;
    if (connection.busy || connection.partsLength < connection.need) return;
    data = takeParts(connection);
  }
  frameAndDispatch(connection, data);
  if (connection.broker.backpressure.active && (connection.state as Lifecycle) !== Lifecycle.Closed) connection.broker.backpressure.hold(connection);
}

/** Flow control: stop or restart reading (an async hook's pause is kept). */
export function holdReading(connection: Connection, hold: boolean): void {
  connection.held = hold;
  if (connection.state === Lifecycle.Closed || connection.busy) return;
  if (hold) connection.transport.pause();
  else connection.transport.resume();
}

/** Copies the start of `chunk` into the big packet; once it is whole, frames and dispatches it.
 *  Returns the bytes of `chunk` used, or chunk.length when nothing more is to be done with it now. */
function gather(connection: Connection, chunk: Buffer): number {
  const big = connection.big!;
  const n = Math.min(chunk.length, big.length - connection.bigFilled);
  chunk.copy(big, connection.bigFilled, 0, n);
  connection.bigFilled += n;
  if (connection.bigFilled < big.length) return chunk.length;
  connection.big = undefined;
  connection.bigFilled = 0;
  connection.broker.codec.frameHead(big, connection.protocolLevel, connection.broker.options.maxPacketSize);
  if (connection.keepAlive > 0 && connection.state === Lifecycle.Connected) connection.timeoutBase = connection.broker.timeouts.tick; // v5 [MQTT-3.1.2-22], v3.1.1 [MQTT-3.1.2-24]
  const pending = dispatch(connection, big, 0);
  if (connection.state === Lifecycle.Closed) return chunk.length;
  if (pending !== undefined) suspend(connection, pending, big.subarray(big.length));
  if (n === chunk.length && connection.broker.backpressure.active) connection.broker.backpressure.hold(connection);
  return n;
}

function takeParts(connection: Connection): Buffer {
  const parts = connection.parts!;
  const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts, connection.partsLength);
  connection.parts = undefined;
  connection.partsLength = 0;
  connection.need = 0;
  return data;
}

/** Frames every whole packet of `data` (one core call per up to MAX_RECORDS packets and HEAD_BYTES, so the inbox
 *  stays small however big `data` is; a longer packet wholly in `data` through frameHead) and dispatches them. */
function frameAndDispatch(connection: Connection, data: Buffer): void {
  const codec = connection.broker.codec;
  const maxPacketSize = connection.broker.options.maxPacketSize;
  for (;;) {
    const whole = data.length <= HEAD_BYTES;
    let count = codec.frame(data, whole ? data.length : HEAD_BYTES, connection.protocolLevel, maxPacketSize);
    if (count === 0 && !whole && codec.needLength > 0 && codec.needLength <= data.length) {
      count = codec.frameHead(data.subarray(0, codec.needLength), connection.protocolLevel, maxPacketSize);
    }
    if (count > 0 && connection.keepAlive > 0 && connection.state === Lifecycle.Connected) connection.timeoutBase = connection.broker.timeouts.tick; // v5 [MQTT-3.1.2-22], v3.1.1 [MQTT-3.1.2-24]
    for (let r = 0; r < count; r++) {
      const pending = dispatch(connection, data, r);
      if (connection.state === Lifecycle.Closed) return;
      if (pending !== undefined) {
        suspend(connection, pending, data.subarray(codec.word(r, R_START) + codec.word(r, R_LENGTH)));
        return;
      }
    }
    const consumed = codec.consumed;
    if (consumed >= data.length) return;
    data = data.subarray(consumed);
    if (count < MAX_RECORDS && (whole || codec.needLength > data.length)) {
      if (count === 0 && connection.state === Lifecycle.AwaitingConnect && codec.needLength > CONNECT_MAX_BYTES) {
        fail(connection, new MqttError(ReasonCode.PacketTooLarge, "CONNECT larger than CONNECT_MAX_BYTES"));
        return;
      }
      if (codec.needLength > BIG_PACKET_BYTES) {
        connection.big = Buffer.allocUnsafe(codec.needLength);
        connection.bigFilled = data.copy(connection.big);
        return;
      }
      connection.parts = [data];
      connection.partsLength = data.length;
      connection.need = codec.needLength;
      return;
    }
  }
}

/** An async hook is deciding: stop reading, keep the unhandled bytes, continue when it settles. */
function suspend(connection: Connection, pending: Promise<void>, rest: Buffer): void {
  connection.busy = true;
  if (rest.length > 0) {
    (connection.parts ??= []).unshift(rest);
    connection.partsLength += rest.length;
  }
  connection.transport.pause();
  pending.then(() => {
    connection.busy = false;
    if (connection.state === Lifecycle.Closed) return;
    if (!connection.held) connection.transport.resume();
    if (connection.partsLength > 0) frameAndDispatch(connection, takeParts(connection));
  }, (error: unknown) => {
    connection.busy = false;
    fail(connection, error);
  });
}
