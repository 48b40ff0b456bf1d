// The record table: 32-byte records in 64 KiB pages (ids, one free list) holding the trie's nodes and
// its subscriptions alike, so that a filter's first subscription can share its node's cache line.
import { tw, setTw, twAt } from "./root";
import { T_NODES, T_NODE_NEXT, T_NODE_FREE } from "../layout";
import { pagedAt, pagedReserve, PAGE_BYTES } from "../util/columns";

const RECORD_BYTES: i32 = 32;
const RECORDS_PER_PAGE: i32 = PAGE_BYTES / RECORD_BYTES;
/** Ids stay below 2^27 (2^27 records of 32 bytes fill a 32-bit memory): hash slots keep a tag above one. */
export const MAX_RECORD_ID: i32 = (1 << 27) - 1;
const FIRST_FREEABLE: i32 = 3; // 0 is never used, 1 and 2 are the roots

@inline export function recordAt(id: i32): usize {
  return pagedAt(twAt(T_NODES), RECORD_BYTES, RECORDS_PER_PAGE, id);
}

// A free record has word 0 = 0 (a live one never has: a node keeps its parent key there, a
// subscription its owner with the top bit set), word 1 = the next free id, word 2 = the previous one.
// Records `id` and `id ^ 1` are line mates: pages start on a 64-byte boundary (util/alloc.ts).
@inline function isFree(id: i32): bool {
  return id >= FIRST_FREEABLE && id < tw(T_NODE_NEXT) && load<i32>(recordAt(id)) == 0;
}

function unlink(id: i32): void {
  const at = recordAt(id);
  const next = load<i32>(at, 4);
  const prev = load<i32>(at, 8);
  if (prev != 0) store<i32>(recordAt(prev), next, 4); else setTw(T_NODE_FREE, next);
  if (next != 0) store<i32>(recordAt(next), prev, 8);
}

/** Returns a record to the free list. The caller unlinked it from the trie. */
export function freeRecord(id: i32): void {
  const at = recordAt(id);
  const head = tw(T_NODE_FREE);
  store<i32>(at, 0);
  store<i32>(at, head, 4);
  store<i32>(at, 0, 8);
  if (head != 0) store<i32>(recordAt(head), id, 8);
  setTw(T_NODE_FREE, id);
}

function bump(id: i32): i32 {
  if (id > MAX_RECORD_ID || !pagedReserve(twAt(T_NODES), RECORDS_PER_PAGE, id + 1)) return 0;
  setTw(T_NODE_NEXT, id + 1);
  return id;
}

/** Creates the table with records 0-2 (zeroed) on first use. Returns false when memory is exhausted. */
export function reserveRecords(): bool {
  if (tw(T_NODE_NEXT) != 0) return true;
  if (!pagedReserve(twAt(T_NODES), RECORDS_PER_PAGE, FIRST_FREEABLE)) return false;
  memory.fill(recordAt(0), 0, <usize>(FIRST_FREEABLE * RECORD_BYTES));
  setTw(T_NODE_NEXT, FIRST_FREEABLE);
  return true;
}

/** A record id (contents undefined), or 0 when memory is exhausted. `near`: a record whose line
 *  mate is taken when free; `paired`: for a node that will likely get a subscription, an id whose
 *  line mate is free, when one is at hand. A free record is always used before the table grows. */
export function allocRecord(near: i32, paired: bool): i32 {
  const next = tw(T_NODE_NEXT);
  if (near != 0) {
    const mate = near ^ 1;
    if (isFree(mate)) { unlink(mate); return mate; }
    if (mate == next) return bump(next);
  }
  const head = tw(T_NODE_FREE);
  if (head != 0) {
    const id = paired && isFree(head ^ 1) ? head & ~1 : head;
    unlink(id);
    return id;
  }
  if (paired && (next & 1) != 0) { // an even id; the odd one below waits on the free list
    if (bump(next) == 0) return 0;
    freeRecord(next);
    return bump(next + 1);
  }
  return bump(next);
}
