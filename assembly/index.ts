// The core's only export surface: integers in, integers out, over the regions of layout.ts.
import {
  H_RECORDS, H_FIELDS, H_MATCH_OUT, H_MATCH_OUT_WORDS, H_SCRATCH_IN, H_ENCODE_OUT, H_PROPS_IN, H_INBOX, H_INBOX_CAPACITY,
  H_HEAP_BASE, H_HEAP_TOP, H_FREE_LISTS, HEADER_WORDS, MAX_RECORDS, RECORD_WORDS, FIELDS_WORDS,
  MATCH_OUT_WORDS, SCRATCH_BYTES, ENCODE_OUT_BYTES, PROPS_IN_WORDS,
} from "./layout";
import { header, headerEnd, getWord, setWord } from "./util/header";
import { alloc, free } from "./util/alloc";

/** Lays out the fixed regions after the header and returns the header's address. Call once. */
export function init(): i32 {
  memory.fill(header(), 0, <usize>HEADER_WORDS << 2);
  let at = <i32>headerEnd();
  setWord(H_RECORDS, at); at += MAX_RECORDS * RECORD_WORDS * 4;
  setWord(H_FIELDS, at); at += FIELDS_WORDS * 4;
  setWord(H_MATCH_OUT, at); at += MATCH_OUT_WORDS * 4;
  setWord(H_MATCH_OUT_WORDS, MATCH_OUT_WORDS);
  setWord(H_PROPS_IN, at); at += PROPS_IN_WORDS * 4;
  setWord(H_SCRATCH_IN, at); at += SCRATCH_BYTES;
  setWord(H_ENCODE_OUT, at); at += ENCODE_OUT_BYTES;
  at = (at + 15) & ~15;
  setWord(H_HEAP_BASE, at);
  setWord(H_HEAP_TOP, at);
  const need = (at + 0xffff) >>> 16;
  if (need > memory.size()) memory.grow(need - memory.size());
  setWord(H_INBOX, 0);
  setWord(H_INBOX_CAPACITY, 0);
  inboxReserve(1 << 16);
  return <i32>header();
}

/** Makes the inbox hold at least `size` bytes and returns its address (it may move; contents are not kept). */
export function inboxReserve(size: i32): i32 {
  const capacity = getWord(H_INBOX_CAPACITY);
  if (capacity >= size) return getWord(H_INBOX);
  free(<usize>getWord(H_INBOX), capacity);
  const ptr = alloc(size);
  if (ptr == 0) return 0;
  setWord(H_INBOX, <i32>ptr);
  setWord(H_INBOX_CAPACITY, 1 << (32 - clz<i32>(max(size, 16) - 1)));
  return <i32>ptr;
}

// Kept referenced so the optimizer sees the constants used by both sides.
export const FREE_LISTS_AT: i32 = H_FREE_LISTS;
export const HEAP_TOP_AT: i32 = H_HEAP_TOP;

// codec
export { frame, frameHead } from "./wire/frame";
export { encodeConnack, encodeAck, encodeSubAck, encodePingresp, encodeDisconnect, encodeAuth } from "./wire/encode-ack";
export { encodePublish } from "./wire/encode-publish";

// topics
export { subscribe, unsubscribe, subscriptionCount } from "./topics/trie";
export { match } from "./topics/match";
export { retainedSet, retainedDelete, retainedMatch, retainedCount } from "./topics/retained";
export { checkTopicName, checkTopicFilter } from "./topics/validate";
