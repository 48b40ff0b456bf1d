// Framing across chunk boundaries: many packets per chunk, every split point, a 64 MB PUBLISH through
// needLength, oversize refused from the fixed header, and resuming when RECORDS or FIELDS fill up.
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { Codec } from "../helpers/codec.ts";
import { R_ERROR, R_TYPE, R_START, R_LENGTH, R_PAYLOAD_LENGTH, R_PAYLOAD_OFFSET, R_ITEMS_COUNT, MAX_RECORDS } from "../../host/core/layout.ts";
import { fixtures, type Decoded } from "../fixtures/packets.ts";
import { decodedOf } from "../helpers/decoded.ts";
import { packet, str, u16 } from "../helpers/packets.ts";

const codec = new Codec(new Core());

/** A v5 session as a client sends it: CONNECT first, then every other v5 fixture a server receives. */
const inbound = fixtures.filter((f) => f.level === 5 && f.direction !== "out");
const session = [inbound.find((f) => f.decoded.type === 1)!, ...inbound.filter((f) => f.decoded.type !== 1)];
const stream = Buffer.from(session.flatMap((f) => [...f.bytes]));

/** Feeds `chunks` like a connection does, keeping the unframed tail; returns the decoded packets. */
function feed(chunks: Buffer[]): Decoded[] {
  const out: Decoded[] = [];
  let tail = Buffer.alloc(0), level = 0;
  for (const chunk of chunks) {
    const bytes = Buffer.concat([tail, chunk]);
    const count = codec.frame(bytes, bytes.length, level, 0);
    for (let r = 0; r < count; r++) {
      expect(codec.word(r, R_ERROR)).toBe(0);
      out.push(decodedOf(codec, r, bytes));
    }
    level = codec.protocolLevel;
    tail = Buffer.from(bytes.subarray(codec.consumed));
  }
  expect(tail.length).toBe(0);
  return out;
}

describe("codec framing", () => {
  it("frames every packet of one chunk, and a CONNECT sets the level of the packets after it", () => {
    const count = codec.frame(stream, stream.length, 0, 0);
    expect(count).toBe(session.length);
    expect(codec.consumed).toBe(stream.length);
    expect(codec.protocolLevel).toBe(5);
    let at = 0;
    for (let r = 0; r < count; r++) {
      expect(codec.word(r, R_START)).toBe(at);
      expect(codec.word(r, R_LENGTH)).toBe(session[r]!.bytes.length);
      at += session[r]!.bytes.length;
    }
    expect(feed([stream])).toEqual(session.map((f) => f.decoded));
  });

  it("a stream split at every byte boundary decodes to the same packets", () => {
    const expected = session.map((f) => f.decoded);
    for (let k = 0; k <= stream.length; k++) {
      expect(feed([stream.subarray(0, k), stream.subarray(k)])).toEqual(expected);
    }
  });

  it("a stream fed one byte at a time decodes to the same packets", () => {
    const chunks = [...stream].map((b) => Buffer.from([b]));
    expect(feed(chunks)).toEqual(session.map((f) => f.decoded));
  });

  it("needLength announces a 64 MB PUBLISH once its fixed header is in, then frames it whole", () => {
    const payloadLength = 64 << 20;
    const header = codec.encodePublishHeader(4, 0, "big/topic", 0, undefined, payloadLength);
    const whole = Buffer.alloc(header.length + payloadLength, 0x61);
    header.copy(whole);
    expect(codec.frame(whole, 3, 4, 0)).toBe(0);
    expect(codec.needLength).toBe(0); // remaining length not complete yet
    expect(codec.frame(whole, 1000, 4, 0)).toBe(0);
    expect(codec.needLength).toBe(whole.length);
    expect(codec.consumed).toBe(0);
    expect(codec.frame(whole, whole.length, 4, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(0);
    expect(codec.word(0, R_PAYLOAD_OFFSET)).toBe(header.length);
    expect(codec.word(0, R_PAYLOAD_LENGTH)).toBe(payloadLength);
    expect(codec.consumed).toBe(whole.length);
  });

  it("v5 maximum packet size: oversize is refused from the fixed header before the body is buffered", () => {
    const first = Buffer.from([0xc0, 0x00, 0x30, 0x80, 0x80, 0x80, 0x20]); // PINGREQ, then a 64 MB PUBLISH header
    expect(codec.frame(first, first.length, 5, 1 << 20)).toBe(2);
    expect(codec.word(0, R_ERROR)).toBe(0);
    expect(codec.word(1, R_ERROR)).toBe(-0x95);
    expect(codec.word(1, R_TYPE)).toBe(3);
    expect(codec.needLength).toBe(0);
  });

  it("a packet exactly at maximum packet size passes", () => {
    const bytes = Buffer.from(packet(0x30, str("t"), new Array(10).fill(0x61)));
    expect(codec.frame(bytes, bytes.length, 4, bytes.length)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(0);
    expect(codec.frame(bytes, bytes.length, 4, bytes.length - 1)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(-0x95);
  });

  it("stops at MAX_RECORDS and resumes on the next call", () => {
    const n = MAX_RECORDS + 500;
    const bytes = Buffer.alloc(2 * n);
    for (let i = 0; i < n; i++) bytes[2 * i] = 0xc0;
    expect(codec.frame(bytes, bytes.length, 4, 0)).toBe(MAX_RECORDS);
    expect(codec.consumed).toBe(2 * MAX_RECORDS);
    const tail = bytes.subarray(codec.consumed);
    expect(codec.frame(tail, tail.length, 4, 0)).toBe(500);
    expect(codec.consumed).toBe(tail.length);
  });

  it("stops when FIELDS would overflow and resumes; one packet too big for FIELDS is an error record", () => {
    const filters = (k: number) => Array.from({ length: k }, (_, i) => [...str(`f/${i}`), 1]);
    const sub = packet(0x82, u16(1), ...filters(10000)); // 30000 FIELDS words each
    const bytes = Buffer.from([...sub, ...sub, ...sub]);
    expect(codec.frame(bytes, bytes.length, 4, 0)).toBe(2);
    expect(codec.word(1, R_ITEMS_COUNT)).toBe(10000);
    expect(codec.consumed).toBe(2 * sub.length);
    const tail = bytes.subarray(codec.consumed);
    expect(codec.frame(tail, tail.length, 4, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(0);
    const huge = Buffer.from(packet(0x82, u16(1), ...filters(30000)));
    expect(codec.frame(huge, huge.length, 4, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(-0x95);
  });

  it("an empty chunk frames nothing", () => {
    expect(codec.frame(Buffer.alloc(0), 0, 4, 0)).toBe(0);
    expect(codec.consumed).toBe(0);
    expect(codec.needLength).toBe(0);
  });
});
