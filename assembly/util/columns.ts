// Growable record tables and u32 open-addressing slot tables over util/alloc.ts. A table's
// address and capacity live in two HEADER words, so a second instance over the memory sees them.
import { getWord, setWord } from "./header";
import { realloc, sizeClass } from "./alloc";

/** Makes the table rooted at HEADER words (ptrWord, capWord) hold `need` records of `recordBytes`.
 *  Grows by at least doubling, to the full power-of-two block. Returns false when memory is exhausted. */
export function reserve(ptrWord: i32, capWord: i32, recordBytes: i32, need: i32): bool {
  const cap = getWord(capWord);
  if (need <= cap) return true;
  const want = max(need, cap << 1);
  const bytes = 1 << sizeClass(want * recordBytes);
  const ptr = realloc(<usize>getWord(ptrWord), cap * recordBytes, bytes, cap * recordBytes);
  if (ptr == 0) return false;
  setWord(ptrWord, <i32>ptr);
  setWord(capWord, bytes / recordBytes);
  return true;
}
