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

/** A block of at least `size` bytes, 16-byte aligned, or 0 when memory cannot grow. Contents undefined. */
export function alloc(size: i32): usize {
  const cls = sizeClass(size);
  const listSlot = header() + (<usize>(H_FREE_LISTS + cls) << 2);
  const head = load<u32>(listSlot);
  if (head != 0) {
    store<u32>(listSlot, load<u32>(<usize>head)); // pop: a free block holds the next free block's address
    return <usize>head;
  }
  const topSlot = header() + (<usize>H_HEAP_TOP << 2);
  const top = <usize>load<u32>(topSlot);
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
