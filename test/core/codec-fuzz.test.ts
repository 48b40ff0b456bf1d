// Seeded fuzzing of frame(): random bytes and mutated fixture packets. The core must never trap, every
// offset it reports must lie inside the chunk, and memory outside inbox/records/fields must not change.
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { Codec } from "../helpers/codec.ts";
import {
  R_ERROR, R_START, R_TOPIC_OFFSET, R_TOPIC_LENGTH, R_PAYLOAD_OFFSET, R_PAYLOAD_LENGTH, R_PROPS_FIRST, R_PROPS_COUNT,
  R_ITEMS_FIRST, R_ITEMS_COUNT, R_TYPE, PROP_WORDS, ITEM_WORDS, CONNECT_WORDS, MAX_RECORDS, FIELDS_WORDS,
  H_MATCH_OUT, H_HEAP_BASE, H_CONSUMED, H_PROTOCOL_LEVEL, HEADER_WORDS,
  C_CLIENT_ID_OFFSET, C_WILL_TOPIC_OFFSET, C_WILL_PAYLOAD_OFFSET, C_USERNAME_OFFSET, C_PASSWORD_OFFSET, C_WILL_PROPS_FIRST, C_WILL_PROPS_COUNT,
} from "../../host/core/layout.ts";
import { fixtures } from "../fixtures/packets.ts";

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ITERATIONS = 200_000;
const core = new Core();
const codec = new Codec(core);
const random = mulberry32(0x5eed);
const int = (n: number) => Math.floor(random() * n);

function sample(): Buffer {
  const kind = int(4);
  if (kind === 0) return Buffer.from(Array.from({ length: int(48) }, () => int(256)));
  const parts: number[] = [];
  for (let i = 0, n = 1 + int(kind === 3 ? 5 : 1); i < n; i++) parts.push(...fixtures[int(fixtures.length)]!.bytes);
  for (let i = 0, n = int(4); i < n && parts.length > 0; i++) parts[int(parts.length)] = kind === 2 ? int(256) : parts[int(parts.length)]! ^ (1 << int(8));
  if (random() < 0.3) parts.length = int(parts.length + 1);
  return Buffer.from(parts);
}

/** Checksum of memory outside the inbox, RECORDS, FIELDS and the frame() header words. */
function checksum(): number {
  const words = core.words, h = core.headerWord;
  let sum = 0;
  const add = (from: number, to: number) => { for (let i = from; i < to; i++) sum = (Math.imul(sum, 31) + words[i]!) | 0; };
  add(0, h);
  for (let i = 0; i < HEADER_WORDS; i++) if (i < H_CONSUMED || i > H_PROTOCOL_LEVEL) sum = (Math.imul(sum, 31) + words[h + i]!) | 0;
  add(words[h + H_MATCH_OUT]! >> 2, words[h + H_HEAP_BASE]! >> 2); // MATCH_OUT, PROPS_IN, SCRATCH_IN, ENCODE_OUT
  return sum;
}

function inside(offset: number, length: number, total: number): boolean {
  return length >= 0 && offset >= 0 && offset + length <= total;
}

function checkRecords(count: number, length: number): void {
  const field = (i: number) => core.words[core.fieldsWord + i]!;
  const checkProps = (first: number, n: number) => {
    if (n === 0) return;
    if (first < 0 || first + n * PROP_WORDS > FIELDS_WORDS) throw new Error("props outside FIELDS");
    for (let p = 0; p < n; p++) {
      const e = first + p * PROP_WORDS;
      if (field(e) === 0x26 && !inside(field(e + 3), field(e + 4), length)) throw new Error("user property value outside");
      if ([0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1a, 0x1c, 0x1f, 0x26].includes(field(e)) && !inside(field(e + 1), field(e + 2), length)) throw new Error("property outside");
    }
  };
  for (let r = 0; r < count; r++) {
    const w = (i: number) => codec.word(r, i);
    if (!inside(w(R_START), 1, length)) throw new Error("start outside");
    if (!inside(w(R_TOPIC_OFFSET), w(R_TOPIC_LENGTH), length)) throw new Error("topic outside");
    if ((w(R_PAYLOAD_LENGTH) > 0 || w(R_PAYLOAD_OFFSET) > 0) && !inside(w(R_PAYLOAD_OFFSET), w(R_PAYLOAD_LENGTH), length)) throw new Error("payload outside");
    checkProps(w(R_PROPS_FIRST), w(R_PROPS_COUNT));
    if (w(R_ITEMS_COUNT) === 0) continue;
    if (w(R_TYPE) === 1) {
      const c = w(R_ITEMS_FIRST);
      if (c < 0 || c + CONNECT_WORDS > FIELDS_WORDS) throw new Error("CONNECT block outside");
      for (const o of [C_CLIENT_ID_OFFSET, C_WILL_TOPIC_OFFSET, C_WILL_PAYLOAD_OFFSET, C_USERNAME_OFFSET, C_PASSWORD_OFFSET]) {
        if (field(c + o) !== -1 && !inside(field(c + o), field(c + o + 1), length)) throw new Error("CONNECT field outside");
      }
      checkProps(field(c + C_WILL_PROPS_FIRST), field(c + C_WILL_PROPS_COUNT));
    } else if (w(R_TYPE) === 8 || w(R_TYPE) === 10) {
      for (let i = 0; i < w(R_ITEMS_COUNT); i++) {
        const e = w(R_ITEMS_FIRST) + i * ITEM_WORDS;
        if (!inside(field(e), field(e + 1), length)) throw new Error("filter outside");
      }
    }
  }
}

describe("codec fuzz", () => {
  it(`frame() survives ${ITERATIONS} random and mutated packets with offsets in bounds and other memory untouched`, () => {
    const scratch = core.bytes.subarray(core.scratchIn, core.encodeOut + 4096);
    for (let i = 0; i < scratch.length; i += 7) scratch[i] = i & 0xff;
    const before = checksum();
    let records = 0, errors = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const bytes = sample();
      const level = [0, 3, 4, 5][int(4)]!;
      const count = codec.frame(bytes, bytes.length, level, random() < 0.2 ? int(64) : 0);
      if (count < 0 || count > MAX_RECORDS) throw new Error(`count ${count}`);
      if (codec.consumed < 0 || codec.consumed > bytes.length) throw new Error(`consumed ${codec.consumed} of ${bytes.length}`);
      checkRecords(count, bytes.length);
      records += count;
      if (count > 0 && codec.word(count - 1, R_ERROR) < 0) errors++;
      if (i % 20_000 === 0) expect(checksum()).toBe(before);
    }
    expect(checksum()).toBe(before);
    expect(records).toBeGreaterThan(ITERATIONS / 2);
    expect(errors).toBeGreaterThan(1000);
  });
});
