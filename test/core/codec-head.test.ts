// frameHead(): a packet longer than HEAD_BYTES framed from its head only. A big PUBLISH gets the same record as
// frame() would give (payload offset/length into the host's buffer) without its payload entering Wasm memory;
// malformed heads give frame()'s error; a head past HEAD_BYTES, or any other type that long, is -0x95.
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { Codec, HEAD_BYTES } from "../helpers/codec.ts";
import {
  H_INBOX_CAPACITY, R_ERROR, R_TYPE, R_START, R_LENGTH, R_PACKET_ID, R_PAYLOAD_LENGTH, R_PAYLOAD_OFFSET,
  R_TOPIC_LENGTH, R_TOPIC_OFFSET,
} from "../../host/core/layout.ts";
import { packet, props, str, u16, varint, type Bytes } from "../helpers/packets.ts";

const core = new Core();
const codec = new Codec(core);
const MB = 1 << 20;

/** A whole packet: first byte, remaining length, `head`, then `payloadLength` bytes of 0xab (not a valid UTF-8 byte). */
function big(first: number, head: Bytes, payloadLength: number): Buffer {
  const header = [first, ...varint(head.length + payloadLength), ...head];
  const out = Buffer.alloc(header.length + payloadLength, 0xab);
  Buffer.from(header).copy(out);
  return out;
}

/** The R_ERROR frame() gives for the same head with a short payload. */
function frameError(first: number, head: Bytes, level: number): number {
  const small = Buffer.from(packet(first, head, [1, 2, 3]));
  expect(codec.frame(small, small.length, level, 0)).toBe(1);
  return codec.word(0, R_ERROR);
}

describe("frameHead", () => {
  it("v5 frames a 16 MB QoS 1 PUBLISH from its head: offsets index the host's bytes, Wasm memory stays put", () => {
    const memoryBefore = core.memory.buffer.byteLength;
    const head = [...str("big/topic"), ...u16(7), ...props([0x26, ...str("k"), ...str("v")], [0x01, 1])];
    const bytes = big(0x32, head, 16 * MB);
    const payloadOffset = bytes.length - 16 * MB;
    expect(codec.frameHead(bytes, 5, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(0);
    expect(codec.word(0, R_TYPE)).toBe(3);
    expect(codec.word(0, R_START)).toBe(0);
    expect(codec.word(0, R_LENGTH)).toBe(bytes.length);
    expect(codec.word(0, R_PACKET_ID)).toBe(7);
    expect(bytes.toString("utf8", codec.word(0, R_TOPIC_OFFSET), codec.word(0, R_TOPIC_OFFSET) + codec.word(0, R_TOPIC_LENGTH))).toBe("big/topic");
    expect(codec.word(0, R_PAYLOAD_OFFSET)).toBe(payloadOffset);
    expect(codec.word(0, R_PAYLOAD_LENGTH)).toBe(16 * MB);
    expect(codec.readProperties(0, bytes)).toEqual({ userProperties: [["k", "v"]], payloadFormatIndicator: 1 });
    expect(codec.consumed).toBe(bytes.length);
    expect(codec.needLength).toBe(0);
    expect(codec.protocolLevel).toBe(5);
    expect(core.header(H_INBOX_CAPACITY)).toBeLessThanOrEqual(HEAD_BYTES);
    expect(core.memory.buffer.byteLength).toBe(memoryBefore);
  });

  it("v3.1.1 frames a 4 MB QoS 0 PUBLISH from its head", () => {
    const bytes = big(0x30, str("a/b"), 4 * MB);
    expect(codec.frameHead(bytes, 4, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(0);
    expect(codec.word(0, R_PAYLOAD_OFFSET)).toBe(bytes.length - 4 * MB);
    expect(codec.word(0, R_PAYLOAD_LENGTH)).toBe(4 * MB);
    expect(codec.consumed).toBe(bytes.length);
  });

  it("a packet of at most HEAD_BYTES is framed whole, as frame() does", () => {
    const bytes = big(0x30, str("a/b"), HEAD_BYTES - 10);
    expect(bytes.length).toBeLessThanOrEqual(HEAD_BYTES);
    expect(codec.frameHead(bytes, 4, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(0);
    expect(codec.word(0, R_PAYLOAD_LENGTH)).toBe(HEAD_BYTES - 10);
  });

  const malformed: Array<[string, number, Bytes, number]> = [
    ["[MQTT-3.3.1-4] QoS 3", 0x36, [...str("a"), ...u16(1)], 4],
    ["[MQTT-3.3.1-2] DUP at QoS 0", 0x38, str("a"), 4],
    ["v5 [MQTT-1.5.4-1] v3.1.1 [MQTT-1.5.3-1] a topic name that is not UTF-8", 0x30, [0, 2, 0xc3, 0x28], 4],
    ["v3.1.1 [MQTT-2.3.1-1] packet id 0", 0x32, [...str("a"), ...u16(0)], 4],
    ["[MQTT-3.3.2-2] a wildcard in the topic name", 0x30, str("a/+"), 4],
    ["v5 a duplicate Payload Format Indicator", 0x30, [...str("a"), ...props([0x01, 1], [0x01, 1])], 5],
    ["v5 a property not allowed in PUBLISH", 0x30, [...str("a"), ...props([0x11, 0, 0, 0, 1])], 5],
    ["v5 an empty topic name without a Topic Alias", 0x30, [...str(""), ...props()], 5],
  ];
  for (const [name, first, head, level] of malformed) {
    it(`${name}: a big PUBLISH with it gives frame()'s error`, () => {
      const expected = frameError(first, head, level);
      expect(expected).toBeLessThan(0);
      expect(codec.frameHead(big(first, head, 2 * MB), level, 0)).toBe(1);
      expect(codec.word(0, R_ERROR)).toBe(expected);
      expect(codec.consumed).toBe(0);
    });
  }

  it("v5 a PUBLISH whose properties reach past HEAD_BYTES is refused as too large (-0x95)", () => {
    const value = "x".repeat(60_000);
    const pairs = Array.from({ length: 20 }, () => [0x26, ...str("k"), ...str(value)]);
    const bytes = big(0x30, [...str("a"), ...props(...pairs)], 10);
    expect(bytes.length).toBeGreaterThan(HEAD_BYTES);
    expect(codec.frameHead(bytes, 5, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(-0x95);
    expect(core.header(H_INBOX_CAPACITY)).toBeLessThanOrEqual(HEAD_BYTES);
  });

  it("a SUBSCRIBE longer than HEAD_BYTES is refused as too large (-0x95)", () => {
    const bytes = big(0x82, [...u16(1), ...str("a/b"), 1], 2 * MB);
    expect(codec.frameHead(bytes, 4, 0)).toBe(1);
    expect(codec.word(0, R_TYPE)).toBe(8);
    expect(codec.word(0, R_ERROR)).toBe(-0x95);
  });

  it("v5 a PUBLISH over maximum packet size is refused (-0x95)", () => {
    const bytes = big(0x30, [...str("a"), ...props()], 2 * MB);
    expect(codec.frameHead(bytes, 5, 2 * MB)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(-0x95);
  });
});
