// Growable record tables over util/alloc.ts. A table's root is two adjacent words in memory
// ([address, capacity in records]), so a second instance over the same memory sees it.
import { realloc, sizeClass } from "./alloc";

/** Makes the table rooted at `root` hold `need` records of `recordBytes`. Grows by at least doubling,
 *  to the full power-of-two block, keeping the contents. Returns false when memory is exhausted. */
export function reserve(root: usize, recordBytes: i32, need: i32): bool {
  const cap = load<i32>(root, 4);
  if (need <= cap) return true;
  const want = max(need, cap << 1);
  const bytes = 1 << sizeClass(want * recordBytes);
  const ptr = realloc(<usize>load<u32>(root), cap * recordBytes, bytes, cap * recordBytes);
  if (ptr == 0) return false;
  store<u32>(root, <u32>ptr);
  store<i32>(root, bytes / recordBytes, 4);
  return true;
}
