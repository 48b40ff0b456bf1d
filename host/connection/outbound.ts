// The bytes-out path of a connection: the per-tick write batch (OutboundWriter, its only owner) flushed to the
// transport once per tick, honouring backpressure; and the PUBLISH and acknowledgement bytes for one recipient.
import { publishPacketIdOffset } from "../core/packet-encoder.ts";
import type { PacketEncoder } from "../core/packet-encoder.ts";
import type { Properties } from "../core/packets.ts";
import { PacketType } from "../protocol/packet-type.ts";
import type { Message } from "../routing/message.ts";
import type { PublishEncoder } from "../routing/publish-encoder.ts";
import type { BrokerStats } from "../stats.ts";
import type { Transport } from "../transport/transport.ts";
import { type Backpressure, type Holdable, PRESSURE_BYTES } from "./backpressure.ts";
import { scheduleFlush } from "./flush-queue.ts";
import type { OutboundAliases } from "./outbound-aliases.ts";
import { CONCAT_BYTES, slabs } from "./write-batch.ts";

/** One connection's writes of this tick, written together once the tick's work is done. */
export class OutboundWriter {
  /** This tick's writes: the first alone (most ticks write one buffer), all of them in `out` once there are more. */
  private first: Buffer | undefined;
  private out: Buffer[] | undefined;
  private bytes = 0;
  /** The last write when it is a range of a read chunk not yet cut into a view (writeRange). */
  private rangeSource: Buffer | undefined;
  private rangeStart = 0;
  private rangeEnd = 0;
  private scheduled = false;
  private closed = false;
  /** The transport's buffer is over its high-water mark (until its drain event). */
  private over = false;

  /** qos0Bytes: queued-but-unsent bytes past which QoS 0 messages to this client are dropped (maxQueuedQoS0Bytes). */
  constructor(private readonly transport: Transport, private readonly stats: BrokerStats,
              private readonly backpressure: Backpressure, private readonly owner: Holdable, private readonly qos0Bytes: number) {}

  /** A QoS 0 message of this payload is to be dropped: more than qos0Bytes wait to be sent. A queue of up to two
   *  messages of the size being sent is always allowed, so large payloads to a reader that keeps up get through. */
  qos0Backlog(payloadLength: number): boolean {
    const queued = this.transport.writableLength + this.bytes;
    return queued > this.qos0Bytes && queued > 2 * payloadLength;
  }

  /** The transport's buffer is over its high-water mark: QoS 1/2 messages wait in the session queue. */
  get congested(): boolean {
    return this.over;
  }

  /** The transport drained. */
  drained(): void {
    this.over = false;
  }

  /** Queues bytes for this tick's single write. */
  write(buf: Buffer): void {
    if (this.closed) return;
    if (this.rangeSource !== undefined) this.cutRange();
    this.push(buf);
    this.bytes += buf.length;
    this.schedule();
  }

  /** Queues source[start, end) for this tick's write. A range that continues the one queued just before extends it,
   *  so the packets of one read forwarded to one subscriber cost one view, not one per packet. */
  writeRange(source: Buffer, start: number, end: number): void {
    if (this.closed) return;
    this.bytes += end - start;
    if (this.rangeSource === source && this.rangeEnd === start) {
      this.rangeEnd = end;
      return;
    }
    if (this.rangeSource !== undefined) this.cutRange();
    this.rangeSource = source;
    this.rangeStart = start;
    this.rangeEnd = end;
    this.schedule();
  }

  private cutRange(): void {
    this.push(this.rangeSource!.subarray(this.rangeStart, this.rangeEnd));
    this.rangeSource = undefined;
  }

  private push(buf: Buffer): void {
    if (this.first === undefined) this.first = buf;
    else {
      const out = this.out ??= [];
      if (out.length === 0) out.push(this.first);
      out.push(buf);
    }
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      scheduleFlush(this);
    }
  }

  /** Writes this tick's queued bytes to the transport in one write (or writev). */
  flush(): void {
    this.scheduled = false;
    if (this.rangeSource !== undefined) this.cutRange();
    const first = this.first;
    if (first === undefined) return;
    this.first = undefined;
    const out = this.out, bytes = this.bytes, transport = this.transport;
    this.stats.bytesOut += bytes;
    let ok: boolean;
    if (out === undefined || out.length === 0) ok = transport.write(first);
    else if (bytes <= CONCAT_BYTES) ok = transport.write(Buffer.concat(out, bytes));
    else ok = transport.writev(slabs(out));
    if (out !== undefined && out.length > 0) out.length = 0;
    this.bytes = 0;
    if (!ok) {
      this.over = true;
      if (transport.writableLength > PRESSURE_BYTES) this.backpressure.press(this.owner);
    }
  }

  /** The connection closed: drop what is queued, take nothing more. */
  close(): void {
    this.closed = true;
    this.first = undefined;
    this.rangeSource = undefined;
    this.out = undefined;
    this.bytes = 0;
  }
}

/** The PUBLISH header for one recipient, its packet id patched in (a copy: the encoded header is shared), or undefined
 *  when it is not to be sent: expired, or larger than the client's Maximum Packet Size (0: no limit). */
export function publishHeader(stats: BrokerStats, encoder: PublishEncoder, aliases: OutboundAliases | undefined,
                              level: number, maxPacketSize: number, message: Message, qos: number, retain: boolean,
                              dup: boolean, packetId: number, subscriptionIds: number[] | undefined): Buffer | undefined {
  let topicAlias = 0, aliasSet = false;
  if (aliases !== undefined) {
    topicAlias = aliases.get(message.topicName);
    aliasSet = topicAlias > 0;
    if (!aliasSet) topicAlias = aliases.next();
  }
  const header = encoder.encode(message, level, qos, retain, dup, subscriptionIds, topicAlias, aliasSet);
  if (header === undefined) {
    stats.droppedExpired++; // v5 [MQTT-3.3.2-5]
    return undefined;
  }
  if (maxPacketSize > 0 && header.length + message.payloadLength > maxPacketSize) {
    stats.droppedTooLarge++; // v5 [MQTT-3.1.2-25]
    return undefined;
  }
  if (topicAlias > 0 && !aliasSet) aliases!.set(message.topicName, topicAlias);
  if (qos === 0) return header;
  const patched = Buffer.allocUnsafe(header.length);
  header.copy(patched);
  const at = publishPacketIdOffset(header);
  patched[at] = packetId >> 8;
  patched[at + 1] = packetId & 0xff;
  return patched;
}

/** Whether a delivery sends the PUBLISH as it came (Message.packetOffset): QoS 0 without RETAIN to a 3.1/3.1.1 client. */
export function forwardsAsReceived(level: number, message: Message, qos: number, retain: boolean): boolean {
  return qos === 0 && !retain && level !== 5 && message.packetOffset >= 0;
}

/** PUBACK, PUBREC, PUBREL or PUBCOMP. With reason code 0 and no properties every version encodes the same
 *  4 bytes (v5 3.4.2.1: the reason code may be omitted), made here without a core call. */
export function ackBytes(encoder: PacketEncoder, level: number, type: PacketType, packetId: number, reasonCode: number,
                         properties?: Properties): Buffer {
  if (level !== 5 || (reasonCode === 0 && properties === undefined)) {
    const ack = Buffer.allocUnsafe(4);
    ack[0] = (type << 4) | (type === PacketType.Pubrel ? 2 : 0);
    ack[1] = 2;
    ack[2] = packetId >> 8;
    ack[3] = packetId & 0xff;
    return ack;
  }
  return encoder.encodeAck(type, 5, packetId, reasonCode, properties);
}
