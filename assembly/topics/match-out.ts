// MATCH_OUT's size: it starts as the fixed region of layout.ts and, when one match() or retainedMatch()
// needs more words, moves to a heap block twice as large (and stays there), so no recipient is dropped.
import { H_MATCH_OUT, H_MATCH_OUT_WORDS, MATCH_OUT_WORDS } from "../layout";
import { getWord, setWord } from "../util/header";
import { alloc, free, sizeClass } from "../util/alloc";

/** Makes MATCH_OUT hold `words` words, keeping its first `keep`; false when memory cannot grow. The
 *  address may change: callers re-read H_MATCH_OUT after a call that returned true. */
@inline export function reserveMatchOut(words: i32, keep: i32): bool {
  return words <= getWord(H_MATCH_OUT_WORDS) || growMatchOut(words, keep);
}

function growMatchOut(words: i32, keep: i32): bool {
  const capacity = getWord(H_MATCH_OUT_WORDS);
  const bytes = 1 << sizeClass(max(words, capacity << 1) << 2);
  const ptr = alloc(bytes);
  if (ptr == 0) return false;
  const old = <usize>getWord(H_MATCH_OUT);
  memory.copy(ptr, old, <usize>keep << 2);
  if (capacity != MATCH_OUT_WORDS) free(old, capacity << 2); // the fixed region is never freed
  setWord(H_MATCH_OUT, <i32>ptr);
  setWord(H_MATCH_OUT_WORDS, bytes >> 2);
  return true;
}
