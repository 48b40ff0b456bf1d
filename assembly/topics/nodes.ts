// Trie nodes as fixed 32-byte records in one table (ids, free list), and the one edge hash that
// finds a literal child by (parent, level bytes). Both tries (subscriptions, retained) share them.
import { tw, setTw, twAt } from "./root";
import {
  T_NODES, T_NODE_CAP, T_NODE_NEXT, T_NODE_FREE,
  T_EDGES, T_EDGE_CAP, T_EDGE_COUNT, T_EDGE_TOMBS,
} from "../layout";
import { alloc, free } from "../util/alloc";
import { pagedAt, pagedReserve, PAGE_BYTES } from "../util/columns";
import { hashBytes, mix } from "../util/hash";
import { tableInsert, tableRemove } from "./probe-table";

export const NODE_BYTES: i32 = 32;
export const N_PARENT: i32 = 0; //   parent node id (group nodes: filter node | GROUP_KEY); 0 when free
export const N_CHILDREN: i32 = 1; // literal children in the edge hash (group nodes: member count); free list link when free
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

const NODES_PER_PAGE: i32 = PAGE_BYTES / NODE_BYTES;
export const INLINE: i32 = 8; // longest level kept inside the node

@inline export function nodeAt(id: i32): usize {
  return pagedAt(twAt(T_NODES), NODE_BYTES, NODES_PER_PAGE, id);
}

@inline export function nodeGet(id: i32, field: i32): i32 {
  return load<i32>(nodeAt(id) + (<usize>field << 2));
}

@inline export function nodeSet(id: i32, field: i32, value: i32): void {
  store<i32>(nodeAt(id) + (<usize>field << 2), value);
}

/** Creates the two roots on first use. Returns false when memory is exhausted. */
export function ensureNodes(): bool {
  if (tw(T_NODE_NEXT) != 0) return true;
  if (!pagedReserve(twAt(T_NODES), NODES_PER_PAGE, 3)) return false;
  memory.fill(nodeAt(0), 0, <usize>(3 * NODE_BYTES));
  setTw(T_NODE_NEXT, 3);
  return growEdges(64);
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

/** The hash a node's edge is stored under: that of its label's first level. */
function nodeHash(at: usize): i32 {
  const ptr = labelPtr(at);
  const length = labelLength(at);
  let first = 0;
  while (first < length && load<u8>(ptr + <usize>first) != 0x2f) first++;
  return hashLevel(ptr, first);
}

/** Whether the label of the node at `node` starts with the level of `length` bytes at `ptr`
 *  (key = levelKey of them): equal up to `length`, then ended or followed by `/`. A label of one
 *  level (no `/`: the retained trie, group nodes) thus has to equal it. */
@inline function firstLevelIs(node: usize, key: u64, ptr: usize, length: i32): bool {
  const a = load<u32>(node + (N_LEVEL_A << 2));
  if (a != 0 && (a & 0xff) == 0) { // label kept outside the node
    const size = <i32>(a >> 8);
    const bytes = <usize>load<u32>(node + (N_LEVEL_B << 2));
    return size >= length && (size == length || load<u8>(bytes + <usize>length) == 0x2f) &&
      memory.compare(bytes, ptr, <usize>length) == 0;
  }
  if (length > INLINE) return false;
  const label = load<u64>(node + (N_LEVEL_A << 2));
  if (length == INLINE) return label == key;
  if (length != 0 && (label & (<u64>-1 >> <u64>((INLINE - length) << 3))) != key) return false; // (a shift by 64 is one by 0)
  const next = <u8>(label >>> <u64>(length << 3));
  return next == 0 || next == 0x2f;
}

// An edge slot holds a node id (ids stay below 2^27: 2^27 nodes of 32 bytes fill a 32-bit memory)
// with the top 5 bits of its hash above it, so a probe passes over 31 of 32 other edges without
// reading their nodes. The slot index is the hash's low bits.
const ID_BITS: i32 = 27;
const ID_MASK: i32 = (1 << ID_BITS) - 1;
const MAX_NODE_ID: i32 = ID_MASK;
const TOMB: i32 = SUBSCRIPTION_ROOT; // a deleted edge (the root is nobody's child)

@inline function edgeHash(parentKey: i32, hash: i32): u32 {
  return mix(<u32>parentKey, <u32>hash);
}

@inline function edgeEntry(id: i32, h: u32): i32 {
  return id | <i32>((h >>> ID_BITS) << ID_BITS);
}

/** The child of `parentKey` whose level is the `length` bytes at `ptr`, or 0. */
export function findChild(parentKey: i32, ptr: usize, length: i32): i32 {
  return findHashed(parentKey, ptr, length, hashLevel(ptr, length));
}

/** The child of `parentKey` whose label starts with that level (`hash` = hashLevel of it), or 0. */
export function findHashed(parentKey: i32, ptr: usize, length: i32, hash: i32): i32 {
  const table = <usize>tw(T_EDGES);
  const mask = tw(T_EDGE_CAP) - 1;
  const key = levelKey(ptr, length);
  const h = edgeHash(parentKey, hash);
  const tag = <i32>(h >>> ID_BITS);
  let slot = <i32>h & mask;
  while (true) {
    const entry = load<i32>(table + (<usize>slot << 2));
    if (entry == 0) return 0;
    if ((entry >>> ID_BITS) == tag && entry != TOMB) {
      const id = entry & ID_MASK;
      const node = nodeAt(id);
      if (load<i32>(node) == parentKey && firstLevelIs(node, key, ptr, length)) return id;
    }
    slot = (slot + 1) & mask;
  }
}

/** The hash of a stored node's edge. */
@inline function nodeEdgeHash(id: i32): u32 {
  const at = nodeAt(id);
  return edgeHash(load<i32>(at), nodeHash(at));
}

function insertEdge(id: i32): void {
  const h = nodeEdgeHash(id);
  tableInsert(T_EDGES, T_EDGE_CAP, T_EDGE_TOMBS, TOMB, h, edgeEntry(id, h)); // callers looked the edge up first
}

function growEdges(slots: i32): bool {
  const old = <usize>tw(T_EDGES);
  const oldSlots = tw(T_EDGE_CAP);
  const table = alloc(slots << 2);
  if (table == 0) return false;
  memory.fill(table, 0, <usize>(slots << 2));
  setTw(T_EDGES, <i32>table);
  setTw(T_EDGE_CAP, slots);
  setTw(T_EDGE_TOMBS, 0);
  // re-enter the edges in node order (reading the node table front to back, not at random):
  // every live node but the roots and the `+` children, which sit in their parents' slots
  const end = tw(T_NODE_NEXT);
  for (let id = RETAINED_ROOT + 1; id < end; id++) {
    const at = nodeAt(id);
    if (load<i32>(at) == 0) continue; // free
    const label = load<u64>(at + (N_LEVEL_A << 2));
    if (label != 0x2b) insertEdge(id);
  }
  free(old, oldSlots << 2);
  return true;
}

/** Removes a node's edge. */
export function removeEdge(id: i32): void {
  const h = nodeEdgeHash(id);
  tableRemove(T_EDGES, T_EDGE_CAP, T_EDGE_COUNT, T_EDGE_TOMBS, TOMB, h, edgeEntry(id, h));
}

/** A fresh node with the given level (all slots 0), or 0 when memory is exhausted. */
export function newNode(parentKey: i32, ptr: usize, length: i32): i32 {
  let bytes: usize = 0;
  if (length > INLINE) {
    bytes = alloc(length);
    if (bytes == 0) return 0;
    memory.copy(bytes, ptr, <usize>length);
  }
  let id = tw(T_NODE_FREE);
  if (id != 0) {
    setTw(T_NODE_FREE, nodeGet(id, N_CHILDREN));
  } else {
    id = tw(T_NODE_NEXT);
    if (id > MAX_NODE_ID || !pagedReserve(twAt(T_NODES), NODES_PER_PAGE, id + 1)) { free(bytes, length); return 0; }
    setTw(T_NODE_NEXT, id + 1);
  }
  const at = nodeAt(id);
  store<i32>(at, parentKey);
  store<i32>(at, 0, N_CHILDREN << 2);
  store<u64>(at, levelKey(ptr, length) | (<u64>bytes << 32), N_LEVEL_A << 2);
  store<u64>(at, 0, N_S0 << 2);
  store<u64>(at, 0, N_S2 << 2);
  return id;
}

/** Makes room for one more edge (the hash kept at most 3/4 full: the tags keep long probes in the
 *  table, reading no nodes); false when memory is exhausted. */
export function reserveEdge(): bool {
  const cap = tw(T_EDGE_CAP);
  if ((tw(T_EDGE_COUNT) + tw(T_EDGE_TOMBS) + 1) * 4 <= cap * 3) return true;
  return growEdges(tw(T_EDGE_COUNT) * 2 < cap ? cap : cap << 1); // mostly markers: rebuilt at the same size
}

/** Enters a node's edge, keyed by its parent and its label's first level, after reserveEdge(). */
export function addEdge(id: i32): void {
  insertEdge(id);
  setTw(T_EDGE_COUNT, tw(T_EDGE_COUNT) + 1);
}

/** A literal child found or created (and counted in its parent), or 0 when memory is exhausted. */
export function childFor(parentKey: i32, ptr: usize, length: i32): i32 {
  const found = findChild(parentKey, ptr, length);
  if (found != 0) return found;
  if (!reserveEdge()) return 0;
  const id = newNode(parentKey, ptr, length);
  if (id == 0) return 0;
  addEdge(id);
  const parent = parentKey & ~GROUP_KEY;
  if (parentKey == parent) nodeSet(parent, N_CHILDREN, nodeGet(parent, N_CHILDREN) + 1);
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
  store<i32>(at, 0); // no parent: free
  store<i32>(at, tw(T_NODE_FREE), N_CHILDREN << 2);
  store<u64>(at, 0, N_LEVEL_A << 2);
  setTw(T_NODE_FREE, id);
}
