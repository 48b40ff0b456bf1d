// The open-addressing tables of the trie (the edge hash and the subscription hash): i32 entries, 0 empty,
// a per-table marker for a deleted entry; address, capacity, count and marker count in topics-block words.
import { tw, setTw } from "./root";
import { alloc } from "../util/alloc";

/** Enters `entry` (hash `h`) into a table that does not hold it; a marker on the way is reused. */
@inline export function tableInsert(tableWord: i32, capWord: i32, tombsWord: i32, tomb: i32, h: u32, entry: i32): void {
  const table = <usize>tw(tableWord);
  const mask = tw(capWord) - 1;
  let slot = <i32>h & mask;
  let found = load<i32>(table + (<usize>slot << 2));
  while (found != 0 && found != tomb) {
    slot = (slot + 1) & mask;
    found = load<i32>(table + (<usize>slot << 2));
  }
  if (found == tomb) setTw(tombsWord, tw(tombsWord) - 1);
  store<i32>(table + (<usize>slot << 2), entry);
}

/** Removes `entry` (hash `h`): its slot becomes a marker that probes pass over (no other entry is read,
 *  as moving later entries back would need), or empty with the markers before it when it ends a run. */
export function tableRemove(tableWord: i32, capWord: i32, countWord: i32, tombsWord: i32, tomb: i32, h: u32, entry: i32): void {
  const table = <usize>tw(tableWord);
  const mask = tw(capWord) - 1;
  let slot = <i32>h & mask;
  while (load<i32>(table + (<usize>slot << 2)) != entry) slot = (slot + 1) & mask;
  setTw(countWord, tw(countWord) - 1);
  if (load<i32>(table + (<usize>((slot + 1) & mask) << 2)) != 0) {
    store<i32>(table + (<usize>slot << 2), tomb);
    setTw(tombsWord, tw(tombsWord) + 1);
    return;
  }
  store<i32>(table + (<usize>slot << 2), 0);
  let tombs = tw(tombsWord);
  slot = (slot - 1) & mask;
  while (load<i32>(table + (<usize>slot << 2)) == tomb) {
    store<i32>(table + (<usize>slot << 2), 0);
    tombs--;
    slot = (slot - 1) & mask;
  }
  setTw(tombsWord, tombs);
}

/** Puts an empty table of `slots` slots in place (the caller re-enters the entries, then frees the old
 *  table it read first); false when memory is exhausted. */
export function tableReplace(tableWord: i32, capWord: i32, tombsWord: i32, slots: i32): bool {
  const table = alloc(slots << 2);
  if (table == 0) return false;
  memory.fill(table, 0, <usize>(slots << 2));
  setTw(tableWord, <i32>table);
  setTw(capWord, slots);
  setTw(tombsWord, 0);
  return true;
}

/** 0 when `more` entries fit with the table at most 3/4 full, else the slot count to rebuild it at:
 *  the same when it is mostly markers, twice it otherwise. */
export function tableGrowth(capWord: i32, countWord: i32, tombsWord: i32, more: i32): i32 {
  const cap = tw(capWord);
  const count = tw(countWord) + more;
  if ((count + tw(tombsWord)) * 4 <= cap * 3) return 0;
  return count * 2 < cap ? cap : cap << 1;
}

// A lookup: an entry holds an id with the top bits of its hash (from bit `idBits`) above it, so a
// probe passes over most other entries without reading their records.

/** The first slot from `slot` on holding an entry tagged like `h` (a candidate), or -1 when an empty slot comes first. */
@inline export function tableNext(tableWord: i32, capWord: i32, tomb: i32, idBits: i32, h: u32, slot: i32): i32 {
  const table = <usize>tw(tableWord);
  const mask = tw(capWord) - 1;
  const tag = <i32>(h >>> idBits);
  slot &= mask;
  while (true) {
    const entry = load<i32>(table + (<usize>slot << 2));
    if (entry == 0) return -1;
    if ((entry >>> idBits) == tag && entry != tomb) return slot;
    slot = (slot + 1) & mask;
  }
}

/** The entry in `slot`. */
@inline export function tableEntry(tableWord: i32, slot: i32): i32 {
  return load<i32>(<usize>tw(tableWord) + (<usize>slot << 2));
}

/** The entry of `id` stored under hash `h`: the id with the hash's bits from `idBits` up above it. */
@inline export function tableTagged(id: i32, h: u32, idBits: i32): i32 {
  return id | <i32>((h >>> idBits) << idBits);
}
