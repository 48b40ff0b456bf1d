// Trie nodes as 32-byte records of the record table (records.ts), and what a node's label is
// (a level or several, inline or in a block). Both tries (subscriptions, retained) share them.
import { alloc, free } from "../util/alloc";
import { hashBytes, mix } from "../util/hash";
import { recordAt, allocRecord, freeRecord } from "./records";

export const N_PARENT: i32 = 0; //   parent node id (group nodes: filter node | GROUP_KEY); never 0 (roots aside)
export const N_CHILDREN: i32 = 1; // literal children in the edge hash (group nodes: member count)
// The label (a level, or literal levels joined by `/`: labels.ts) in two words, compared as one u64.
// Levels never hold a zero byte [MQTT-4.7.3-2], so up to 8 bytes sit inline, zero-padded (all zero:
// the empty level); a longer label keeps A = length << 8 (low byte 0, not zero) and B = its address.
export const N_LEVEL_A: i32 = 2;
export const N_LEVEL_B: i32 = 3;
// Four slots whose meaning depends on the trie:
//   subscription node: S0 `+` child, S1 head of the subscriptions to its `#` filter (no node for a
//                      `#` level), S2 subscriptions head, S3 shared groups head (both filters)
//   group node:        S0 round-robin cursor, S1 next group, S2 members head, S3 previous group
//   retained node:     S0 first child, S1 next sibling, S2 retainedId + 1, S3 previous sibling
export const N_S0: i32 = 4;
export const N_S1: i32 = 5;
export const N_S2: i32 = 6;
export const N_S3: i32 = 7;

export const SUBSCRIPTION_ROOT: i32 = 1;
export const RETAINED_ROOT: i32 = 2;
export const GROUP_KEY: i32 = 0x40000000; // parent-key flag of a shared group node under its filter node
export const HASH_KEY: i32 = 0x20000000; //  owner-key flag: the `#` filter under a node (its subscriptions, with GROUP_KEY its groups)

export const INLINE: i32 = 8; // longest level kept inside the node

@inline export function nodeAt(id: i32): usize {
  return recordAt(id);
}

@inline export function nodeGet(id: i32, field: i32): i32 {
  return load<i32>(nodeAt(id) + (<usize>field << 2));
}

@inline export function nodeSet(id: i32, field: i32, value: i32): void {
  store<i32>(nodeAt(id) + (<usize>field << 2), value);
}

/** The level word pair of `length` bytes at `ptr` (bytes may be read up to 8 past the level: inside SCRATCH_IN's neighbours). */
@inline export function levelKey(ptr: usize, length: i32): u64 {
  if (length > INLINE) return <u64>(length << 8);
  if (length == 0) return 0;
  return load<u64>(ptr) & (<u64>-1 >> <u64>((INLINE - length) << 3));
}

/** The hash of a level: of its key when inline, FNV-1a of its bytes when longer. */
@inline export function hashLevel(ptr: usize, length: i32): i32 {
  if (length > INLINE) return <i32>hashBytes(ptr, length);
  const key = levelKey(ptr, length);
  return <i32>mix(<u32>key, <u32>(key >>> 32));
}

/** The first byte of a node's level (0 when empty). */
export function levelFirstByte(id: i32): u8 {
  const at = nodeAt(id);
  const a = load<u32>(at + (N_LEVEL_A << 2));
  if (a != 0 && (a & 0xff) == 0) return load<u8>(<usize>load<u32>(at + (N_LEVEL_B << 2)));
  return <u8>a;
}

/** Bytes in the label of the node at `at` (a label is one level, or several joined by `/`: labels.ts). */
@inline export function labelLength(at: usize): i32 {
  const a = load<u32>(at + (N_LEVEL_A << 2));
  if (a != 0 && (a & 0xff) == 0) return <i32>(a >> 8);
  const key = load<u64>(at + (N_LEVEL_A << 2));
  return <i32>((71 - clz<u64>(key)) >> 3); // nonzero bytes of the zero-padded inline label
}

/** Where the label bytes of the node at `at` are. */
@inline export function labelPtr(at: usize): usize {
  const a = load<u32>(at + (N_LEVEL_A << 2));
  return a != 0 && (a & 0xff) == 0 ? <usize>load<u32>(at + (N_LEVEL_B << 2)) : at + (N_LEVEL_A << 2);
}

/** A fresh node with the given level (all slots 0), or 0 when memory is exhausted. `paired`: the
 *  node of a filter about to get its first subscription, placed where that can share its cache line. */
export function newNode(parentKey: i32, ptr: usize, length: i32, paired: bool = false): i32 {
  let bytes: usize = 0;
  if (length > INLINE) {
    bytes = alloc(length);
    if (bytes == 0) return 0;
    memory.copy(bytes, ptr, <usize>length);
  }
  const id = allocRecord(0, paired);
  if (id == 0) { free(bytes, length); return 0; }
  const at = nodeAt(id);
  store<i32>(at, parentKey);
  store<i32>(at, 0, N_CHILDREN << 2);
  store<u64>(at, levelKey(ptr, length) | (<u64>bytes << 32), N_LEVEL_A << 2);
  store<u64>(at, 0, N_S0 << 2);
  store<u64>(at, 0, N_S2 << 2);
  return id;
}

/** Frees a node's label bytes when they are not inline. */
export function freeLabel(at: usize): void {
  const a = load<u32>(at + (N_LEVEL_A << 2));
  if (a != 0 && (a & 0xff) == 0) free(<usize>load<u32>(at + (N_LEVEL_B << 2)), <i32>(a >> 8));
}

/** Returns a node id (and its level bytes) to the free lists. The caller unlinked it. */
export function freeNode(id: i32): void {
  const at = nodeAt(id);
  freeLabel(at);
  freeRecord(id);
}
