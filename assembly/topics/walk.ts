// Scratch blocks of a walk, rooted in HEADER: the level table of the topic or filter being walked
// ([start, hash] per level, then [end + 1, 0]) and the explicit [node, level] stack.
import { tw, twAt } from "./root";
import { T_LEVELS, T_LEVELS_CAP, T_STACK, T_STACK_CAP } from "../layout";
import { reserve } from "../util/columns";
import { hashLevel } from "./nodes";

/** Splits the bytes into levels; returns the level count, or -1 when memory is exhausted. */
export function splitLevels(ptr: usize, length: i32): i32 {
  let count = 1;
  for (let i = 0; i < length; i++) if (load<u8>(ptr + <usize>i) == 0x2f) count++;
  if (!reserve(twAt(T_LEVELS), 8, count + 1)) return -1;
  const levels = <usize>tw(T_LEVELS);
  let start = 0;
  let k = 0;
  for (let i = 0; i <= length; i++) {
    if (i == length || load<u8>(ptr + <usize>i) == 0x2f) {
      store<i32>(levels + <usize>(k << 3), start);
      store<i32>(levels + <usize>(k << 3) + 4, hashLevel(ptr + <usize>start, i - start));
      k++;
      start = i + 1;
    }
  }
  store<i32>(levels + <usize>(k << 3), length + 1);
  store<i32>(levels + <usize>(k << 3) + 4, 0);
  return count;
}

@inline export function levelStart(k: i32): i32 {
  return load<i32>(<usize>tw(T_LEVELS) + <usize>(k << 3));
}

@inline export function levelHash(k: i32): i32 {
  return load<i32>(<usize>tw(T_LEVELS) + <usize>(k << 3) + 4);
}

/** Gives the level table and the stack room for 64 levels, once, when the index is first used:
 *  made early, they take no block that labels freed (a steady state then needs no new memory). */
export function reserveWalk(): bool {
  return reserve(twAt(T_LEVELS), 8, 65) && reserve(twAt(T_STACK), 8, 132);
}

/** Makes the stack hold `pairs` entries; false when memory is exhausted. */
export function reserveStack(pairs: i32): bool {
  return reserve(twAt(T_STACK), 8, pairs);
}

@inline export function stackAt(sp: i32): usize {
  return <usize>tw(T_STACK) + <usize>(sp << 3);
}
