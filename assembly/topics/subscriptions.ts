// Subscription records (in the record table with the nodes: records.ts) linked per owner node, and
// how a subscriber's record under an owner is found: by walking a short list, through the hash
// (owner node, subscriberId) -> subscription id in a long one.
import { tableInsert, tableRemove, tableReplace, tableGrowth, tableNext, tableEntry, tableTagged } from "./probe-table";
import { tw, setTw } from "./root";
import { T_SUB_HASH, T_SUB_HASH_CAP, T_SUB_HASH_COUNT, T_SUB_HASH_TOMBS } from "../layout";
import { free } from "../util/alloc";
import { mix } from "../util/hash";
import { recordAt, allocRecord, freeRecord, MAX_RECORD_ID } from "./records";

const S_OWNER: i32 = 0; // OWNED | the key of the list's owner (a filter node, `| HASH_KEY` for its `#` filter, or a group node)
export const S_SUBSCRIBER: i32 = 1;
export const S_OPTIONS: i32 = 2; // the SUBSCRIBE options byte, | HASHED when the record is in the hash
export const S_SUBSCRIPTION_ID: i32 = 3; // v5 subscription identifier, 0 = none
export const S_NEXT: i32 = 4; // next in the owner's list
export const S_PREV: i32 = 5;
const OWNED: i32 = 1 << 31; // tells a subscription record from a node (whose word 0 is its parent key)

// A list of at most LONG members is walked to find a subscriber (most filters have a few
// subscribers, and the hash would cost a cache miss and 8 bytes each); when a list grows past LONG,
// its members enter the hash, and every member added to a longer list does. Members stay in the
// hash until they leave their list, so a list longer than LONG has all its members there.
const LONG: i32 = 8;
const HASHED: i32 = 1 << 16;

@inline export function subAt(id: i32): usize {
  return recordAt(id);
}

@inline export function subGet(id: i32, field: i32): i32 {
  return load<i32>(subAt(id) + (<usize>field << 2));
}

@inline export function subSet(id: i32, field: i32, value: i32): void {
  store<i32>(subAt(id) + (<usize>field << 2), value);
}

/** Creates the hash on first use (the record table exists: ensureNodes()). */
export function ensureSubscriptions(): bool {
  return tw(T_SUB_HASH) != 0 || growHash(64);
}

// A hash slot holds a subscription id (below 2^27: records.ts) with the top 4 bits of its hash
// above it, so most probes read no other record. A deleted entry leaves a marker (id 0) that
// probes pass over; the table is rebuilt when markers fill it.
const ID_BITS: i32 = 28;
const ID_MASK: i32 = MAX_RECORD_ID;
const TOMB: i32 = <i32>0xf0000000;

@inline function subHash(owner: i32, subscriberId: i32): u32 {
  return mix(<u32>owner, <u32>subscriberId);
}

@inline function hashEntry(id: i32, h: u32): i32 {
  return tableTagged(id, h, ID_BITS);
}

/** The subscription of `subscriberId` in the list from `head` (under `owner`), or 0. */
export function findSubscription(owner: i32, head: i32, subscriberId: i32): i32 {
  let s = head;
  for (let n = 0; n < LONG && s != 0; n++) {
    const at = subAt(s);
    if (load<i32>(at + (S_SUBSCRIBER << 2)) == subscriberId) return s;
    s = load<i32>(at + (S_NEXT << 2));
  }
  return s == 0 ? 0 : findHashed(owner, subscriberId);
}

/** The hashed subscription of `subscriberId` under `owner`, or 0. */
function findHashed(owner: i32, subscriberId: i32): i32 {
  const h = subHash(owner, subscriberId);
  for (let slot = tableNext(T_SUB_HASH, T_SUB_HASH_CAP, TOMB, ID_BITS, h, <i32>h); slot >= 0;
    slot = tableNext(T_SUB_HASH, T_SUB_HASH_CAP, TOMB, ID_BITS, h, slot + 1)) {
    const id = tableEntry(T_SUB_HASH, slot) & ID_MASK;
    const at = subAt(id);
    if (load<i32>(at + (S_OWNER << 2)) == (owner | OWNED) && load<i32>(at + (S_SUBSCRIBER << 2)) == subscriberId) return id;
  }
  return 0;
}

@inline function recordHash(id: i32): u32 {
  const at = subAt(id);
  return subHash(load<i32>(at + (S_OWNER << 2)) & ~OWNED, load<i32>(at + (S_SUBSCRIBER << 2)));
}

/** Enters a record not in the table (a marker on the way is reused). */
function insertHash(id: i32): void {
  const h = recordHash(id);
  tableInsert(T_SUB_HASH, T_SUB_HASH_CAP, T_SUB_HASH_TOMBS, TOMB, h, hashEntry(id, h));
}

function growHash(slots: i32): bool {
  const old = <usize>tw(T_SUB_HASH);
  const oldSlots = tw(T_SUB_HASH_CAP);
  if (!tableReplace(T_SUB_HASH, T_SUB_HASH_CAP, T_SUB_HASH_TOMBS, slots)) return false;
  for (let slot = 0; slot < oldSlots; slot++) { // re-entered from the old table: only long lists' members are hashed
    const entry = load<i32>(old + (<usize>slot << 2));
    if (entry != 0 && entry != TOMB) insertHash(entry & ID_MASK);
  }
  free(old, oldSlots << 2);
  return true;
}

function removeHash(id: i32): void {
  const h = recordHash(id);
  tableRemove(T_SUB_HASH, T_SUB_HASH_CAP, T_SUB_HASH_COUNT, T_SUB_HASH_TOMBS, TOMB, h, hashEntry(id, h));
}

/** Members of the list from `head`, counted up to LONG + 1. */
function shortLength(head: i32): i32 {
  let n = 0;
  for (let s = head; s != 0 && n <= LONG; s = subGet(s, S_NEXT)) n++;
  return n;
}

/** Enters a record into the hash (room was made) and marks it. */
function hashIn(id: i32): void {
  insertHash(id);
  subSet(id, S_OPTIONS, subGet(id, S_OPTIONS) | HASHED);
  setTw(T_SUB_HASH_COUNT, tw(T_SUB_HASH_COUNT) + 1);
}

/** A new subscription record for the list from `head` (not yet linked into it), or 0 when memory is exhausted. */
export function newSubscription(owner: i32, head: i32, subscriberId: i32): i32 {
  const length = shortLength(head); // the list is long after this one joins when length >= LONG
  if (length >= LONG) {
    const slots = tableGrowth(T_SUB_HASH_CAP, T_SUB_HASH_COUNT, T_SUB_HASH_TOMBS, LONG + 1);
    if (slots != 0 && !growHash(slots)) return 0;
  }
  const id = allocRecord(owner & MAX_RECORD_ID, false); // in its node's cache line when that is free
  if (id == 0) return 0;
  subSet(id, S_SUBSCRIBER, subscriberId);
  subSet(id, S_OWNER, owner | OWNED);
  subSet(id, S_OPTIONS, 0);
  subSet(id, S_NEXT, 0);
  subSet(id, S_PREV, 0);
  if (length == LONG) { // the list turns long: its members enter the hash
    for (let s = head; s != 0; s = subGet(s, S_NEXT)) if ((subGet(s, S_OPTIONS) & HASHED) == 0) hashIn(s);
  }
  if (length >= LONG) hashIn(id);
  return id;
}

/** Sets a subscription's options byte and identifier. */
export function setOptions(id: i32, options: i32, subscriptionId: i32): void {
  subSet(id, S_OPTIONS, (subGet(id, S_OPTIONS) & HASHED) | options);
  subSet(id, S_SUBSCRIPTION_ID, subscriptionId);
}

/** Drops a subscription (the caller unlinked it from its list). */
export function freeSubscription(id: i32): void {
  if ((subGet(id, S_OPTIONS) & HASHED) != 0) removeHash(id);
  freeRecord(id);
}
