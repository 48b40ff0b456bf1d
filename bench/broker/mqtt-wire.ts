// Hand-built MQTT 3.1.1 bytes for the load generator (built once, patched per message), and a framer
// that walks a chunk with offsets and keeps only an incomplete tail (large packets filled in place).

export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const PUBREC = 5;
export const PUBREL = 6;
export const PUBCOMP = 7;
export const SUBACK = 9;

function varint(length: number): number[] {
  const out: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 128;
    out.push(byte);
  } while (length > 0);
  return out;
}

function str(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
}

export function connect(clientId: string, cleanSession = true): Buffer {
  // clean session (or a session that never expires: 3.1.1 without clean session), keepAlive 0
  const body = Buffer.concat([str("MQTT"), Buffer.from([4, cleanSession ? 0x02 : 0, 0, 0]), str(clientId)]);
  return Buffer.concat([Buffer.from([0x10, ...varint(body.length)]), body]);
}

export function subscribe(packetId: number, topicFilters: string[], qos: number): Buffer {
  const items = topicFilters.map((f) => Buffer.concat([str(f), Buffer.from([qos])]));
  const body = Buffer.concat([Buffer.from([packetId >> 8, packetId & 255]), ...items]);
  return Buffer.concat([Buffer.from([0x82, ...varint(body.length)]), body]);
}

export function ack(type: number, packetId: number): Buffer {
  return Buffer.from([(type << 4) | (type === PUBREL ? 2 : 0), 2, packetId >> 8, packetId & 255]);
}

/** A PUBLISH's bytes up to its payload; `packetIdOffset` is -1 at QoS 0. */
export function publishHeader(topicName: string, qos: number, retain: boolean, payloadLength: number) {
  const topic = str(topicName);
  const remaining = topic.length + (qos > 0 ? 2 : 0) + payloadLength;
  const fixed = Buffer.from([0x30 | (qos << 1) | (retain ? 1 : 0), ...varint(remaining)]);
  const header = Buffer.concat([fixed, topic, Buffer.alloc(qos > 0 ? 2 : 0)]);
  return { header, packetIdOffset: qos > 0 ? fixed.length + topic.length : -1 };
}

export interface FrameHandler {
  /** chunk[start,end) is the whole packet; topic and payload are offsets into chunk. */
  publish(chunk: Buffer, flags: number, topicStart: number, topicEnd: number, packetId: number, payloadStart: number, payloadEnd: number): void;
  control(type: number, chunk: Buffer, bodyStart: number, bodyEnd: number): void;
}

/** Total length of the packet at buf[0], or 0 while its fixed header is incomplete. */
function packetLength(buf: Buffer): number {
  let length = 0;
  let multiplier = 1;
  for (let i = 1; i < buf.length && i < 5; i++) {
    const b = buf[i];
    length += (b & 127) * multiplier;
    multiplier *= 128;
    if (!(b & 128)) return i + 1 + length;
  }
  return 0;
}

export class Framer {
  private tail: Buffer | null = null;
  private big: Buffer | null = null;
  private bigHave = 0;

  constructor(private readonly handler: FrameHandler) {}

  push(data: Buffer): void {
    let chunk = data;
    if (this.big) {
      const big = this.big;
      const n = Math.min(data.length, big.length - this.bigHave);
      data.copy(big, this.bigHave, 0, n);
      this.bigHave += n;
      if (this.bigHave < big.length) return;
      this.big = null;
      chunk = n < data.length ? Buffer.concat([big, data.subarray(n)]) : big;
    } else if (this.tail) {
      chunk = Buffer.concat([this.tail, data]);
      this.tail = null;
    }
    const used = this.walk(chunk);
    if (used === chunk.length) return;
    const rest = chunk.subarray(used);
    const total = packetLength(rest);
    if (total > 65536) {
      this.big = Buffer.allocUnsafe(total);
      this.bigHave = rest.copy(this.big);
    } else this.tail = Buffer.from(rest);
  }

  private walk(chunk: Buffer): number {
    const h = this.handler;
    let offset = 0;
    const n = chunk.length;
    while (offset + 2 <= n) {
      let length = 0;
      let multiplier = 1;
      let i = offset + 1;
      let byte = 0;
      do {
        byte = chunk[i++];
        length += (byte & 127) * multiplier;
        multiplier *= 128;
      } while (byte & 128 && i < n);
      if (byte & 128 || i + length > n) break;
      const end = i + length;
      const first = chunk[offset];
      if (first >> 4 === PUBLISH) {
        const topicEnd = i + 2 + ((chunk[i] << 8) | chunk[i + 1]);
        const qos = (first >> 1) & 3;
        const packetId = qos > 0 ? (chunk[topicEnd] << 8) | chunk[topicEnd + 1] : 0;
        h.publish(chunk, first & 15, i + 2, topicEnd, packetId, qos > 0 ? topicEnd + 2 : topicEnd, end);
      } else h.control(first >> 4, chunk, i, end);
      offset = end;
    }
    return offset;
  }
}
