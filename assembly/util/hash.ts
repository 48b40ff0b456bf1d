// Small integer hashes for the core's open-addressing tables: FNV-1a over bytes, and a mixer
// that folds a (key, hash) pair into one well-spread 32-bit value.

/** FNV-1a of `length` bytes at `ptr`. */
export function hashBytes(ptr: usize, length: i32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i = 0; i < length; i++) {
    h = (h ^ <u32>load<u8>(ptr + <usize>i)) * 0x01000193;
  }
  return h;
}

/** Mixes two 32-bit values (murmur3's finalizer over a Fibonacci-scrambled pair). */
@inline export function mix(a: u32, b: u32): u32 {
  let h = (a * 0x9e3779b1) ^ b;
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}
