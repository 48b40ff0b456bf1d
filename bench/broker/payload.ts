// The benchmark payload: streamId, per-stream seq and publisher-wide pubSeq (u32 each), a fixed fill
// pattern, and a last checksum byte over the 12 header bytes. Every received message is checked against it.

export const PAYLOAD_MIN = 13;

export function fillPattern(payloadLength: number): Buffer {
  const fill = Buffer.allocUnsafe(payloadLength - PAYLOAD_MIN);
  for (let k = 0; k < fill.length; k++) fill[k] = (k * 13 + 7) & 255;
  return fill;
}

/** Writes the header and checksum of a payload starting at buf[at], length payloadLength (fill already there). */
export function stamp(buf: Buffer, at: number, payloadLength: number, streamId: number, seq: number, pubSeq: number): void {
  buf.writeUInt32BE(streamId, at);
  buf.writeUInt32BE(seq, at + 4);
  buf.writeUInt32BE(pubSeq, at + 8);
  let x = 0x5a;
  for (let k = at; k < at + 12; k++) x ^= buf[k];
  buf[at + payloadLength - 1] = x;
}

/** True when chunk[start,end) is an intact payload of length payloadLength with the expected fill. */
export function intact(chunk: Buffer, start: number, end: number, payloadLength: number, fill: Buffer): boolean {
  if (end - start !== payloadLength) return false;
  let x = 0x5a;
  for (let k = start; k < start + 12; k++) x ^= chunk[k];
  if (chunk[end - 1] !== x) return false;
  return fill.length === 0 || chunk.compare(fill, 0, fill.length, start + 12, end - 1) === 0;
}
