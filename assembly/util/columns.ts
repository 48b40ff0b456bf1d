// Growable record tables over util/alloc.ts. A table's root is two adjacent words in memory
// ([address, capacity in records]), so a second instance over the same memory sees it.
import { alloc, realloc, sizeClass } from "./alloc";

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

// Paged record tables: records live in PAGE_BYTES pages (no copying and no abandoned blocks when
// the table grows), found through a page directory. The root is [directory address, capacity in records].
export const PAGE_BYTES: i32 = 1 << 16;

/** Address of record `id` of a paged table with `perPage` records of `recordBytes` a page. */
@inline export function pagedAt(root: usize, recordBytes: i32, perPage: i32, id: i32): usize {
  const page = <u32>id / <u32>perPage;
  const slot = <u32>id % <u32>perPage;
  return <usize>load<u32>(<usize>load<u32>(root) + (<usize>page << 2)) + <usize>(slot * <u32>recordBytes);
}

/** Adds pages until the table holds `need` records; false when memory is exhausted. */
export function pagedReserve(root: usize, perPage: i32, need: i32): bool {
  while (load<i32>(root, 4) < need) {
    const pages = load<i32>(root, 4) / perPage;
    const directory = realloc(<usize>load<u32>(root), pages << 2, (pages + 1) << 2, pages << 2);
    if (directory == 0) return false;
    store<u32>(root, <u32>directory);
    const page = alloc(PAGE_BYTES);
    if (page == 0) return false;
    store<u32>(directory + (<usize>pages << 2), <u32>page);
    store<i32>(root, (pages + 1) * perPage, 4);
  }
  return true;
}
