// Path compression of the subscription trie: a node's label may hold several literal levels joined
// by `/` when the levels between have nothing of their own (no subscriptions, no `+` child, no `#`
// subscriptions, one literal child). Its edge is keyed by the label's first level, unique among
// its siblings, so findHashed() finds it from one level; the rest is compared where it is used.
import {
  N_PARENT, N_CHILDREN, N_LEVEL_A, INLINE, nodeAt, nodeGet, nodeSet, newNode, freeNode, labelLength, labelPtr,
  freeLabel,
} from "./nodes";
import { reserveEdge, addEdge, removeEdge } from "./edges";
import { alloc } from "../util/alloc";

/** A new literal child of `parent` labelled with the `length` bytes at `ptr` (one level or several),
 *  counted in the parent; 0 when memory is exhausted. `paired`: see newNode(). */
export function newLabelChild(parent: i32, ptr: usize, length: i32, paired: bool): i32 {
  if (!reserveEdge()) return 0;
  const id = newNode(parent, ptr, length, paired);
  if (id == 0) return 0;
  addEdge(id);
  nodeSet(parent, N_CHILDREN, nodeGet(parent, N_CHILDREN) + 1);
  return id;
}

/** Splits node `id` at byte `cut` of its label (a `/`): a new node takes the levels before the cut
 *  and the node's place under its parent; the node keeps its id, its state and the levels after
 *  the cut, as the new node's only child. Returns the new node, or 0 when memory is exhausted. */
export function splitLabel(id: i32, cut: i32): i32 {
  if (!reserveEdge()) return 0;
  const at = nodeAt(id);
  const length = labelLength(at);
  const ptr = labelPtr(at);
  const upper = newNode(nodeGet(id, N_PARENT), ptr, cut);
  if (upper == 0) return 0;
  const rest = ptr + <usize>(cut + 1);
  const restLength = length - cut - 1;
  let label: u64 = 0;
  if (restLength > INLINE) {
    const bytes = alloc(restLength);
    if (bytes == 0) { freeNode(upper); return 0; }
    memory.copy(bytes, rest, <usize>restLength);
    label = <u64>(restLength << 8) | (<u64>bytes << 32);
  } else {
    for (let i = restLength - 1; i >= 0; i--) label = (label << 8) | <u64>load<u8>(rest + <usize>i);
  }
  removeEdge(id); // keyed by the old parent and first level
  freeLabel(at);
  store<u64>(at + (N_LEVEL_A << 2), label);
  nodeSet(id, N_PARENT, upper);
  nodeSet(upper, N_CHILDREN, 1);
  addEdge(upper);
  addEdge(id);
  return upper;
}
