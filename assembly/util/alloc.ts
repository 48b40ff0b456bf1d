// A power-of-two block allocator over linear memory for the inbox and the trie's columns.
// Its state (bump pointer, one free list per size class) lives in the HEADER, not in globals,
// so a second instance over the same memory would see it (DESIGN.md: shared memory later).
import { H_HEAP_TOP, H_FREE_LISTS } from "../layout";
import { header } from "./header";

const MIN_CLASS: i32 = 4; // 16-byte blocks are the smallest

/** The size class (log2 of the block size) that holds `size` bytes. */
export function sizeClass(size: i32): i32 {
  if (size <= 1 << MIN_CLASS) return MIN_CLASS;
  return 32 - clz<i32>(size - 1);
}

// Blocks of 64 KiB and up (table pages, hash tables) may be carved out of a larger free block,
// so a hash table abandoned when its table doubled becomes pages instead of staying unused.
// Smaller requests never split: that would scatter big blocks into small pieces for good.
const SPLIT_CLASS: i32 = 16;
const MAX_CLASS: i32 = 31;
const LINE_CLASS: i32 = 6; // 64 bytes: a cache line (record tables pair records within one: topics/records.ts)

/** The lower part of the smallest free block larger than class `cls`, its other halves put on
 *  the free lists of the classes between; 0 when there is none. */
function splitFree(cls: i32): usize {
  for (let c = cls + 1; c <= MAX_CLASS; c++) {
    const listSlot = header() + (<usize>(H_FREE_LISTS + c) << 2);
    const head = load<u32>(listSlot);
    if (head == 0) continue;
    store<u32>(listSlot, load<u32>(<usize>head));
    for (let k = c - 1; k >= cls; k--) { // halves from the top down: [head + 2^k, head + 2^(k+1)) to class k
      const half = <usize>head + (<usize>1 << k);
      const slot = header() + (<usize>(H_FREE_LISTS + k) << 2);
      store<u32>(half, load<u32>(slot));
      store<u32>(slot, <u32>half);
    }
    return <usize>head;
  }
  return 0;
}

/** A block of at least `size` bytes, 16-byte aligned, or 0 when memory cannot grow. Contents undefined. */
export function alloc(size: i32): usize {
  const cls = sizeClass(size);
  const listSlot = header() + (<usize>(H_FREE_LISTS + cls) << 2);
  const head = load<u32>(listSlot);
  if (head != 0) {
    store<u32>(listSlot, load<u32>(<usize>head)); // pop: a free block holds the next free block's address
    return <usize>head;
  }
  if (cls >= SPLIT_CLASS) {
    const split = splitFree(cls);
    if (split != 0) return split;
  }
  const topSlot = header() + (<usize>H_HEAP_TOP << 2);
  let top = <usize>load<u32>(topSlot);
  if (cls >= LINE_CLASS && (top & 63) != 0) { // blocks of a cache line and up start on one; the gap
    if ((top & 16) != 0) { free(top, 16); top += 16; } //    below goes to the 16- and 32-byte lists
    if ((top & 32) != 0) { free(top, 32); top += 32; }
    store<u32>(topSlot, <u32>top);
  }
  const end = top + (<usize>1 << cls);
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    const grow = max(pages, memory.size() >> 2); // grow by at least a quarter to keep growth rare
    if (memory.grow(grow) < 0 && memory.grow(pages) < 0) return 0;
  }
  store<u32>(topSlot, <u32>end);
  return top;
}

/** Returns a block of `size` bytes (the size it was allocated with) to its free list. */
export function free(ptr: usize, size: i32): void {
  if (ptr == 0) return;
  const listSlot = header() + (<usize>(H_FREE_LISTS + sizeClass(size)) << 2);
  store<u32>(ptr, load<u32>(listSlot));
  store<u32>(listSlot, <u32>ptr);
}

/** Grows a block to hold `newSize` bytes, keeping the first `keep` bytes. */
export function realloc(ptr: usize, oldSize: i32, newSize: i32, keep: i32): usize {
  if (ptr != 0 && sizeClass(oldSize) == sizeClass(newSize)) return ptr;
  const next = alloc(newSize);
  if (next == 0) return 0;
  if (ptr != 0) {
    memory.copy(next, ptr, <usize>keep);
    free(ptr, oldSize);
  }
  return next;
}
