// Decode, encode and round trip for every entry of the fixture table (test/fixtures/packets.ts).
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { Codec } from "../helpers/codec.ts";
import { R_ERROR, R_START, R_LENGTH } from "../../host/core/layout.ts";
import { fixtures } from "../fixtures/packets.ts";
import { decodedOf } from "../helpers/decoded.ts";

const codec = new Codec(new Core());

function decodeOne(bytes: Buffer, level: number) {
  const count = codec.frame(bytes, bytes.length, level, 0);
  expect(count).toBe(1);
  expect(codec.word(0, R_ERROR)).toBe(0);
  expect(codec.word(0, R_START)).toBe(0);
  expect(codec.word(0, R_LENGTH)).toBe(bytes.length);
  expect(codec.consumed).toBe(bytes.length);
  expect(codec.needLength).toBe(0);
  return decodedOf(codec, 0, bytes);
}

describe("codec fixtures: decode", () => {
  for (const f of fixtures) {
    it(`decodes ${f.name}`, () => {
      const bytes = Buffer.from(f.bytes);
      const level = f.decoded.type === 1 ? 0 : f.level;
      expect(decodeOne(bytes, level)).toEqual(f.decoded);
      expect(codec.protocolLevel).toBe(f.decoded.type === 1 ? f.level : level);
    });
  }
});

describe("codec fixtures: encode", () => {
  for (const f of fixtures.filter((x) => x.encode)) {
    it(`encodes ${f.name}`, () => {
      expect([...f.encode!(codec)]).toEqual([...f.bytes]);
    });
  }
});

describe("codec fixtures: round trip", () => {
  for (const f of fixtures.filter((x) => x.encode)) {
    it(`round-trips ${f.name}`, () => {
      const encoded = f.encode!(codec);
      expect(decodeOne(encoded, f.level)).toEqual(f.decoded);
    });
  }

  it("every packet type 1..15 appears in the table for 3.1.1 and 5.0", () => {
    for (const level of [4, 5]) {
      const types = new Set(fixtures.filter((f) => f.level === level).map((f) => f.decoded.type));
      for (let t = 1; t <= 14; t++) expect(types.has(t), `level ${level} type ${t}`).toBe(true);
    }
    expect(fixtures.some((f) => f.level === 5 && f.decoded.type === 15)).toBe(true);
  });

  it("encodePublishHeader reports where the packet id sits (-1 at QoS 0)", () => {
    const header = codec.encodePublishHeader(5, 2, "a/b", 0x1234, undefined, 10);
    expect(header.readUInt16BE(codec.publishPacketIdOffset)).toBe(0x1234);
    expect(codec.publishPacketIdOffset).toBe(2 + 2 + 3);
    codec.encodePublishHeader(4, 0, Buffer.from("a/b"), 0, undefined, 10);
    expect(codec.publishPacketIdOffset).toBe(-1);
  });

  it("encodePublishHeader counts a large payload in the remaining length", () => {
    const header = codec.encodePublishHeader(4, 0, "t", 0, undefined, 64 << 20);
    expect([...header.subarray(0, 5)]).toEqual([0x30, 0x83, 0x80, 0x80, 0x20]);
  });
});
