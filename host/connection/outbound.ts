// The bytes-out path of a connection: PUBLISH and acknowledgement encoding, and the per-tick batch of
// writes (`outFirst`/`out`) flushed to the transport once per tick, honouring backpressure.
import { publishPacketIdOffset } from "../core/packet-encoder.ts";
import { PacketType } from "../protocol/packet-type.ts";
import type { Message } from "../routing/message.ts";
import { PRESSURE_BYTES } from "./backpressure.ts";
import type { Connection } from "./connection.ts";
import { scheduleFlush } from "./flush-queue.ts";
import { Lifecycle } from "./lifecycle.ts";
import { CONCAT_BYTES, slabs } from "./write-batch.ts";

/** Queued-but-unsent bytes above which QoS 0 messages to this client are dropped; a queue of up to two
 *  messages of the size being sent is always allowed, so large payloads to a reader that keeps up get through. */
const QOS0_DROP_BYTES = 8 << 20;

/** Queues bytes for this tick's single write. */
export function write(connection: Connection, buf: Buffer): void {
  if (connection.state === Lifecycle.Closed) return;
  if (connection.outFirst === undefined) connection.outFirst = buf;
  else {
    const out = connection.out ??= [];
    if (out.length === 0) out.push(connection.outFirst!);
    out.push(buf);
  }
  connection.outBytes += buf.length;
  if (!connection.flushScheduled) {
    connection.flushScheduled = true;
    scheduleFlush(connection);
  }
}

/** Writes this tick's queued bytes to the transport in one write (or writev). */
export function flush(connection: Connection): void {
  connection.flushScheduled = false;
  const first = connection.outFirst;
  if (first === undefined) return;
  connection.outFirst = undefined;
  const out = connection.out;
  const bytes = connection.outBytes;
  connection.broker.stats.bytesOut += bytes;
  let ok: boolean;
  if (out === undefined || out.length === 0) ok = connection.transport.write(first);
  else if (bytes <= CONCAT_BYTES) ok = connection.transport.write(Buffer.concat(out, bytes));
  else ok = connection.transport.writev(slabs(out));
  if (out !== undefined) out.length = 0;
  connection.outBytes = 0;
  if (!ok) {
    connection.congested = true;
    if (connection.transport.writableLength > PRESSURE_BYTES) connection.broker.backpressure.press(connection);
  }
}

/** Writes one PUBLISH; false when it was dropped: a QoS 0 backlog, expired (the encoder gives no header), or
 *  larger than the client's Maximum Packet Size. */
export function sendPublish(connection: Connection, message: Message, qos: number, retain: boolean, dup: boolean,
                            packetId: number, subscriptionIds: number[] | undefined): boolean {
  const broker = connection.broker;
  const queued = qos === 0 ? connection.transport.writableLength + connection.outBytes : 0;
  if (queued > QOS0_DROP_BYTES && queued > 2 * message.payload.length) {
    broker.stats.dropped++;
    return false;
  }
  const encoder = broker.publishEncoder;
  const aliases = connection.outboundAliases;
  let topicAlias = 0, aliasSet = false;
  if (aliases !== undefined) {
    topicAlias = aliases.get(message.topicName);
    aliasSet = topicAlias > 0;
    if (!aliasSet) topicAlias = aliases.next();
  }
  const header = encoder.encode(message, connection.protocolLevel, qos, retain, dup, subscriptionIds, topicAlias, aliasSet);
  const payload = message.payload;
  if (header === undefined || (connection.maxPacketSize > 0 && header.length + payload.length > connection.maxPacketSize)) {
    broker.stats.dropped++; // expired: v5 [MQTT-3.3.2-5]; too large: v5 [MQTT-3.1.2-25]
    return false;
  }
  if (topicAlias > 0 && !aliasSet) aliases!.set(message.topicName, topicAlias);
  if (qos > 0) {
    const patched = Buffer.allocUnsafe(header.length);
    header.copy(patched);
    const at = publishPacketIdOffset(header);
    patched[at] = packetId >> 8;
    patched[at + 1] = packetId & 0xff;
    write(connection, patched);
  } else {
    write(connection, header);
  }
  if (payload.length > 0) write(connection, payload);
  broker.stats.messagesOut++;
  return true;
}

/** PUBACK, PUBREC, PUBREL or PUBCOMP. With reason code 0 and no properties every version encodes the same
 *  4 bytes (v5 3.4.2.1: the reason code may be omitted), written here without a core call. */
export function sendAck(connection: Connection, type: PacketType, packetId: number, reasonCode: number): void {
  if (reasonCode === 0 || connection.protocolLevel !== 5) {
    const ack = Buffer.allocUnsafe(4);
    ack[0] = (type << 4) | (type === PacketType.Pubrel ? 2 : 0);
    ack[1] = 2;
    ack[2] = packetId >> 8;
    ack[3] = packetId & 0xff;
    write(connection, ack);
    return;
  }
  write(connection, connection.broker.encoder.encodeAck(type, 5, packetId, reasonCode));
}
