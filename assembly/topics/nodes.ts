// Trie nodes as fixed 40-byte records in one table (ids, free list), and the one edge hash that
// finds a literal child by (parent, level bytes). Both tries (subscriptions, retained) share them.
import { tw, setTw, twAt } from "./root";
import {
  T_NODES, T_NODE_CAP, T_NODE_NEXT, T_NODE_FREE,
  T_EDGES, T_EDGE_CAP, T_EDGE_COUNT,
} from "../layout";
import { alloc, free } from "../util/alloc";
import { pagedAt, pagedReserve, PAGE_BYTES } from "../util/columns";
import { hashBytes, mix } from "../util/hash";

export const NODE_BYTES: i32 = 40;
export const N_PARENT: i32 = 0; //   parent node id (group nodes: filter node | GROUP_KEY); free list link when free
export const N_CHILDREN: i32 = 1; // literal children in the edge hash (group nodes: member count)
export const N_HASH: i32 = 2; //     hash of the level bytes
export const N_LENGTH: i32 = 3; //   level length in bytes
export const N_LEVEL_A: i32 = 4; //  level bytes 0-3, or a pointer to them when longer than 8
export const N_LEVEL_B: i32 = 5; //  level bytes 4-7
// Four slots whose meaning depends on the trie:
//   subscription node: S0 `+` child, S1 `#` child, S2 subscriptions head, S3 shared groups head
//   group node:        S0 round-robin cursor, S1 next group, S2 members head, S3 previous group
//   retained node:     S0 first child, S1 next sibling, S2 retainedId + 1, S3 previous sibling
export const N_S0: i32 = 6;
export const N_S1: i32 = 7;
export const N_S2: i32 = 8;
export const N_S3: i32 = 9;

export const SUBSCRIPTION_ROOT: i32 = 1;
export const RETAINED_ROOT: i32 = 2;
export const GROUP_KEY: i32 = 0x40000000; // parent-key flag of a shared group node under its filter node

const NODES_PER_PAGE: i32 = PAGE_BYTES / NODE_BYTES;

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

/** Where a node's level bytes are. */
@inline export function levelPtr(id: i32): usize {
  const at = nodeAt(id);
  return load<i32>(at + (N_LENGTH << 2)) > 8 ? <usize>load<u32>(at + (N_LEVEL_A << 2)) : at + (N_LEVEL_A << 2);
}

/** Whether the node at address `node` has the level of `length` bytes at `ptr`. */
@inline function sameLevel(node: usize, ptr: usize, length: i32): bool {
  if (load<i32>(node + (N_LENGTH << 2)) != length) return false;
  const at = length > 8 ? <usize>load<u32>(node + (N_LEVEL_A << 2)) : node + (N_LEVEL_A << 2);
  for (let i = 0; i < length; i++) {
    if (load<u8>(at + <usize>i) != load<u8>(ptr + <usize>i)) return false;
  }
  return true;
}

@inline function edgeSlot(parentKey: i32, hash: i32, mask: i32): i32 {
  return <i32>(mix(<u32>parentKey, <u32>hash) & <u32>mask);
}

/** The child of `parentKey` whose level is the `length` bytes at `ptr`, or 0. */
export function findChild(parentKey: i32, ptr: usize, length: i32): i32 {
  return findHashed(parentKey, ptr, length, <i32>hashBytes(ptr, length));
}

export function findHashed(parentKey: i32, ptr: usize, length: i32, hash: i32): i32 {
  const table = <usize>tw(T_EDGES);
  const mask = tw(T_EDGE_CAP) - 1;
  let slot = edgeSlot(parentKey, hash, mask);
  while (true) {
    const id = load<i32>(table + (<usize>slot << 2));
    if (id == 0) return 0;
    const node = nodeAt(id);
    if (load<i32>(node) == parentKey && load<i32>(node + (N_HASH << 2)) == hash && sameLevel(node, ptr, length)) return id;
    slot = (slot + 1) & mask;
  }
}

function insertEdge(id: i32): void {
  const table = <usize>tw(T_EDGES);
  const mask = tw(T_EDGE_CAP) - 1;
  let slot = edgeSlot(nodeGet(id, N_PARENT), nodeGet(id, N_HASH), mask);
  while (load<i32>(table + (<usize>slot << 2)) != 0) slot = (slot + 1) & mask;
  store<i32>(table + (<usize>slot << 2), id);
}

function growEdges(slots: i32): bool {
  const old = <usize>tw(T_EDGES);
  const oldSlots = tw(T_EDGE_CAP);
  const table = alloc(slots << 2);
  if (table == 0) return false;
  memory.fill(table, 0, <usize>(slots << 2));
  setTw(T_EDGES, <i32>table);
  setTw(T_EDGE_CAP, slots);
  for (let i = 0; i < oldSlots; i++) {
    const id = load<i32>(old + (<usize>i << 2));
    if (id != 0) insertEdge(id);
  }
  free(old, oldSlots << 2);
  return true;
}

/** Removes a node's edge (backward-shift deletion keeps probe chains whole). */
export function removeEdge(id: i32): void {
  const table = <usize>tw(T_EDGES);
  const mask = tw(T_EDGE_CAP) - 1;
  let slot = edgeSlot(nodeGet(id, N_PARENT), nodeGet(id, N_HASH), mask);
  while (load<i32>(table + (<usize>slot << 2)) != id) slot = (slot + 1) & mask;
  let hole = slot;
  let next = (slot + 1) & mask;
  while (true) {
    const other = load<i32>(table + (<usize>next << 2));
    if (other == 0) break;
    const home = edgeSlot(nodeGet(other, N_PARENT), nodeGet(other, N_HASH), mask);
    // move `other` into the hole unless its home lies cyclically in (hole, next]
    if (((next - home) & mask) >= ((next - hole) & mask)) {
      store<i32>(table + (<usize>hole << 2), other);
      hole = next;
    }
    next = (next + 1) & mask;
  }
  store<i32>(table + (<usize>hole << 2), 0);
  setTw(T_EDGE_COUNT, tw(T_EDGE_COUNT) - 1);
}

/** A fresh node with the given level (all slots 0), or 0 when memory is exhausted. */
export function newNode(parentKey: i32, ptr: usize, length: i32, hash: i32): i32 {
  let id = tw(T_NODE_FREE);
  if (id != 0) {
    setTw(T_NODE_FREE, nodeGet(id, N_PARENT));
  } else {
    id = tw(T_NODE_NEXT);
    if (!pagedReserve(twAt(T_NODES), NODES_PER_PAGE, id + 1)) return 0;
    setTw(T_NODE_NEXT, id + 1);
  }
  const at = nodeAt(id);
  store<i32>(at, parentKey);
  store<i32>(at, 0, N_CHILDREN << 2);
  store<i32>(at, hash, N_HASH << 2);
  store<i32>(at, length, N_LENGTH << 2);
  store<u64>(at, 0, N_LEVEL_A << 2);
  store<u64>(at, 0, N_S0 << 2);
  store<u64>(at, 0, N_S2 << 2);
  if (length > 8) {
    const bytes = alloc(length);
    if (bytes == 0) return 0;
    memory.copy(bytes, ptr, <usize>length);
    nodeSet(id, N_LEVEL_A, <i32>bytes);
  } else {
    memory.copy(at + (N_LEVEL_A << 2), ptr, <usize>length);
  }
  return id;
}

/** A literal child found or created (and counted in its parent), or 0 when memory is exhausted. */
export function childFor(parentKey: i32, ptr: usize, length: i32): i32 {
  const hash = <i32>hashBytes(ptr, length);
  const found = findHashed(parentKey, ptr, length, hash);
  if (found != 0) return found;
  const count = tw(T_EDGE_COUNT) + 1;
  if (count * 2 > tw(T_EDGE_CAP) && !growEdges(tw(T_EDGE_CAP) << 1)) return 0;
  const id = newNode(parentKey, ptr, length, hash);
  if (id == 0) return 0;
  insertEdge(id);
  setTw(T_EDGE_COUNT, count);
  const parent = parentKey & ~GROUP_KEY;
  if (parentKey == parent) nodeSet(parent, N_CHILDREN, nodeGet(parent, N_CHILDREN) + 1);
  return id;
}

/** Returns a node id (and its level bytes) to the free lists. The caller unlinked it. */
export function freeNode(id: i32): void {
  const length = nodeGet(id, N_LENGTH);
  if (length > 8) free(<usize>nodeGet(id, N_LEVEL_A), length);
  nodeSet(id, N_PARENT, tw(T_NODE_FREE));
  nodeSet(id, N_LENGTH, 0);
  setTw(T_NODE_FREE, id);
}
