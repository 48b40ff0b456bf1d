// The one edge hash that finds a literal child by (parent, first level of its label), shared by both
// tries: open addressing over node ids, each slot tagged with the top bits of its hash.
import { tw, setTw } from "./root";
import { T_EDGES, T_EDGE_CAP, T_EDGE_COUNT, T_EDGE_TOMBS, T_NODE_NEXT } from "../layout";
import { free } from "../util/alloc";
import { mix } from "../util/hash";
import { tableInsert, tableRemove, tableReplace, tableGrowth, tableNext, tableEntry, tableTagged } from "./probe-table";
import {
  N_LEVEL_A, N_LEVEL_B, N_CHILDREN, INLINE, SUBSCRIPTION_ROOT, RETAINED_ROOT, GROUP_KEY,
  nodeAt, nodeGet, nodeSet, levelKey, hashLevel, labelPtr, labelLength, newNode,
} from "./nodes";
import { MAX_RECORD_ID, reserveRecords } from "./records";

/** Creates the two roots and the edge hash on first use. Returns false when memory is exhausted. */
export function ensureNodes(): bool {
  if (tw(T_NODE_NEXT) != 0) return true;
  return reserveRecords() && growEdges(64);
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

// An edge slot holds a node id (below 2^27, records.ts)
// with the top 5 bits of its hash above it, so a probe passes over 31 of 32 other edges without
// reading their nodes. The slot index is the hash's low bits.
const ID_BITS: i32 = 27;
const ID_MASK: i32 = MAX_RECORD_ID;
const TOMB: i32 = SUBSCRIPTION_ROOT; // a deleted edge (the root is nobody's child)

/** The hash an edge is stored under: its parent key and the hash of its label's first level. */
@inline export function edgeHash(parentKey: i32, hash: i32): u32 {
  return mix(<u32>parentKey, <u32>hash);
}

@inline function edgeEntry(id: i32, h: u32): i32 {
  return tableTagged(id, h, ID_BITS);
}

/** The child of `parentKey` whose level is the `length` bytes at `ptr`, or 0. */
export function findChild(parentKey: i32, ptr: usize, length: i32): i32 {
  return findHashed(parentKey, ptr, length, hashLevel(ptr, length));
}

/** The child of `parentKey` whose label starts with that level (`hash` = hashLevel of it), or 0. */
export function findHashed(parentKey: i32, ptr: usize, length: i32, hash: i32): i32 {
  const key = levelKey(ptr, length);
  const h = edgeHash(parentKey, hash);
  for (let slot = nextCandidate(h, firstSlot(h)); slot >= 0; slot = nextCandidate(h, slot + 1)) {
    const id = candidateAt(slot);
    if (isChild(id, parentKey, key, ptr, length)) return id;
  }
  return 0;
}

// A lookup in steps, for a walk that issues the slot reads of several lookups before it reads any
// of their nodes (match.ts): edgeHash(), firstSlot(), nextCandidate(), then isChild() on candidateAt().

/** The slot a probe for `h` (edgeHash()) starts at. */
@inline export function firstSlot(h: u32): i32 {
  return <i32>h & (tw(T_EDGE_CAP) - 1);
}

/** The first slot from `slot` on holding an edge tagged like `h` (a candidate), or -1 when an empty slot comes first. */
@inline export function nextCandidate(h: u32, slot: i32): i32 {
  return tableNext(T_EDGES, T_EDGE_CAP, TOMB, ID_BITS, h, slot);
}

/** The node id of the edge in `slot`. */
@inline export function candidateAt(slot: i32): i32 {
  return tableEntry(T_EDGES, slot) & ID_MASK;
}

/** Whether node `id` is the child of `parentKey` whose label starts with the level of `length` bytes
 *  at `ptr` (`key` = levelKey of them). */
@inline export function isChild(id: i32, parentKey: i32, key: u64, ptr: usize, length: i32): bool {
  const node = nodeAt(id);
  return load<i32>(node) == parentKey && firstLevelIs(node, key, ptr, length);
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

const REHASH_BATCH: i32 = 16;

/** Whether record `id` is a node in the edge hash (not free, not a subscription, not a root, not a `+` child). */
@inline function isEdge(id: i32): bool {
  const at = nodeAt(id);
  return load<i32>(at) > 0 && load<u64>(at + (N_LEVEL_A << 2)) != 0x2b;
}

function growEdges(slots: i32): bool {
  const old = <usize>tw(T_EDGES);
  const oldSlots = tw(T_EDGE_CAP);
  if (!tableReplace(T_EDGES, T_EDGE_CAP, T_EDGE_TOMBS, slots)) return false;
  const table = <usize>tw(T_EDGES);
  // re-enter the edges in node order (reading the node table front to back, not at random):
  // every live node but the roots and the `+` children, which sit in their parents' slots. Each
  // batch of REHASH_BATCH nodes first reads the slots its edges go to, so that those cache misses
  // overlap, then enters the edges.
  const end = tw(T_NODE_NEXT);
  let touched = 0;
  for (let from = RETAINED_ROOT + 1; from < end; from += REHASH_BATCH) {
    const last = min(from + REHASH_BATCH, end);
    for (let id = from; id < last; id++) {
      if (isEdge(id)) touched |= load<i32>(table + (<usize>(<i32>nodeEdgeHash(id) & (slots - 1)) << 2));
    }
    for (let id = from; id < last; id++) if (isEdge(id)) insertEdge(id);
  }
  if (old != 0) store<i32>(old, touched); // the old table is dropped: the reads are kept, not optimised away
  free(old, oldSlots << 2);
  return true;
}

/** Removes a node's edge. */
export function removeEdge(id: i32): void {
  const h = nodeEdgeHash(id);
  tableRemove(T_EDGES, T_EDGE_CAP, T_EDGE_COUNT, T_EDGE_TOMBS, TOMB, h, edgeEntry(id, h));
}

/** Makes room for one more edge (the hash kept at most 3/4 full: the tags keep long probes in the
 *  table, reading no nodes); false when memory is exhausted. */
export function reserveEdge(): bool {
  const slots = tableGrowth(T_EDGE_CAP, T_EDGE_COUNT, T_EDGE_TOMBS, 1);
  return slots == 0 || growEdges(slots);
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

