// Seeded packet mutation for fuzzing the live broker: a small PRNG (mulberry32) and mutators that flip
// bits, truncate, lie about the remaining length, write bogus variable byte integers, or add garbage.
import { varint } from "./packets.ts";

export class Prng {
  constructor(private state: number) {}

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): number[] {
    return Array.from({ length: n }, () => this.int(256));
  }
}

/** Where the fixed header's remaining length ends (index of the first body byte), clamped to the packet. */
function bodyStart(bytes: number[]): number {
  let at = 1;
  while (at < bytes.length && at < 5 && (bytes[at]! & 0x80) !== 0) at++;
  return Math.min(at + 1, bytes.length);
}

type Mutator = (bytes: number[], rng: Prng) => number[];

const mutators: Array<[name: string, mutate: Mutator]> = [
  ["flip bits", (b, rng) => {
    const out = [...b];
    for (let n = 1 + rng.int(3); n > 0; n--) {
      const at = rng.int(out.length);
      out[at] = out[at]! ^ (1 << rng.int(8));
    }
    return out;
  }],
  ["random byte", (b, rng) => {
    const out = [...b];
    out[rng.int(out.length)] = rng.int(256);
    return out;
  }],
  ["truncate", (b, rng) => b.slice(0, rng.int(b.length))],
  ["remaining length off by a little", (b, rng) => {
    const start = bodyStart(b);
    const length = Math.max(0, b.length - start + rng.pick([-3, -2, -1, 1, 2, 3, 100]));
    return [b[0]!, ...varint(length), ...b.slice(start)];
  }],
  ["remaining length huge", (b, rng) => [b[0]!, ...varint(rng.pick([16_383, 2_097_151, 268_435_455, 200 << 20])), ...b.slice(bodyStart(b))]],
  ["bogus varint", (b, rng) => [b[0]!, ...rng.pick([[0xff, 0xff, 0xff, 0xff, 0x7f], [0x80, 0x80, 0x80, 0x80, 0x01], [0x80, 0x00], [0xff, 0x80, 0x00]]), ...b.slice(bodyStart(b))]],
  ["first byte", (b, rng) => [rng.int(256), ...b.slice(1)]],
  ["garbage after", (b, rng) => [...b, ...rng.bytes(1 + rng.int(40))]],
  ["insert bytes", (b, rng) => {
    const at = rng.int(b.length + 1);
    return [...b.slice(0, at), ...rng.bytes(1 + rng.int(8)), ...b.slice(at)];
  }],
  ["delete bytes", (b, rng) => {
    const at = rng.int(b.length);
    return [...b.slice(0, at), ...b.slice(at + 1 + rng.int(4))];
  }],
  ["body length bytes", (b, rng) => { // a 16-bit string length inside the body set to something else
    const out = [...b];
    const at = bodyStart(b) + rng.int(Math.max(1, b.length - bodyStart(b) - 1));
    if (at + 1 < out.length) { out[at] = rng.pick([0x00, 0xff, 0x7f]); out[at + 1] = rng.int(256); }
    return out;
  }],
  ["pure garbage", (_b, rng) => rng.bytes(1 + rng.int(64))],
];

/** One mutation of `bytes` (never the identity by construction, though a mutant may still be valid). */
export function mutate(bytes: readonly number[], rng: Prng): number[] {
  const [, mutator] = rng.pick(mutators);
  return mutator([...bytes], rng);
}
