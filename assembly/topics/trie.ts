// subscribe / unsubscribe on the subscription trie: walk (or build) a node per `+` or `#` level (in
// their own slots) and per run of literal levels (edge hash, labels.ts); shared subscriptions hang
// their members under a group node of the filter's node. Empty nodes are pruned on the way back.
import { tw, setTw, twAt, hasTopics, ensureTopics } from "./root";
import { H_SCRATCH_IN, T_SEEN, T_SEEN_CAP, T_SUBSCRIPTION_COUNT } from "../layout";
import { getWord } from "../util/header";
import { reserve } from "../util/columns";
import {
  N_PARENT, N_CHILDREN, N_S0, N_S1, N_S2, N_S3, SUBSCRIPTION_ROOT, GROUP_KEY, HASH_KEY, nodeGet, nodeSet, nodeAt,
  newNode, hashLevel, freeNode, labelPtr, labelLength,
} from "./nodes";
import { ensureNodes, childFor, findChild, findHashed, removeEdge } from "./edges";
import { newLabelChild, splitLabel } from "./labels";
import { reserveWalk } from "./walk";
import {
  S_NEXT, S_PREV, subGet, subSet, ensureSubscriptions, findSubscription, newSubscription, setOptions, freeSubscription,
} from "./subscriptions";
import { checkTopicFilter as checkFilter, sharePrefix } from "../wire/topic-check";
import { QUOTA_EXCEEDED, UNSPECIFIED, TOPIC_FILTER_INVALID } from "../wire/errors";

const SLASH: u8 = 0x2f;

@inline function isWildcard(ptr: usize, length: i32, c: u8): bool {
  return length == 1 && load<u8>(ptr) == c;
}

/** End of the level that starts at `pos`. */
@inline function levelEnd(ptr: usize, length: i32, pos: i32): i32 {
  while (pos < length && load<u8>(ptr + <usize>pos) != SLASH) pos++;
  return pos;
}

/** The node of a (non-shared) filter, | HASH_KEY when it ends in `#`: created when `create`
 *  (splitting a label where the filter leaves it; a new literal run becomes one node), else 0 when absent. */
function filterNode(ptr: usize, length: i32, create: bool): i32 {
  let node = SUBSCRIPTION_ROOT;
  let pos = 0;
  while (pos <= length) { // left by the returns: `pos` is past a `/`, so at most `length`
    const end = levelEnd(ptr, length, pos);
    const at = ptr + <usize>pos;
    const size = end - pos;
    const slot = isWildcard(at, size, 0x2b) ? N_S0 : isWildcard(at, size, 0x23) ? N_S1 : -1;
    let child: i32;
    let after = end; // filter offset after the levels the child stands for
    if (slot == N_S1) return node | HASH_KEY; // `#` is the last level [MQTT-4.7.1-2 v3.1.1]
    if (slot >= 0) {
      child = nodeGet(node, slot);
      if (child == 0 && create) {
        child = newNode(node, at, size, end >= length); // the filter's own node when its last level
        if (child != 0) nodeSet(node, slot, child);
      }
    } else {
      child = findHashed(node, at, size, hashLevel(at, size));
      if (child == 0 && create) { // the literal run from here: this level and the literal levels after it
        while (after < length) {
          const next = levelEnd(ptr, length, after + 1);
          if (next - after == 2 && (load<u8>(ptr + <usize>(after + 1)) == 0x2b || load<u8>(ptr + <usize>(after + 1)) == 0x23)) break;
          after = next;
        }
        child = newLabelChild(node, at, after - pos, after >= length);
      } else if (child != 0) {
        const cat = nodeAt(child);
        const label = labelPtr(cat);
        const labelEnd = labelLength(cat);
        let cut = size; // label offset after the levels matched so far: labelEnd or a `/`
        while (cut < labelEnd && after < length) {
          const le = levelEnd(label, labelEnd, cut + 1);
          const fe = levelEnd(ptr, length, after + 1);
          if (le - cut != fe - after || memory.compare(label + <usize>(cut + 1), ptr + <usize>(after + 1), <usize>(le - cut - 1)) != 0) break;
          cut = le;
          after = fe;
        }
        if (cut < labelEnd) child = create ? splitLabel(child, cut) : 0; // the filter leaves the label at `cut`
      }
    }
    if (child == 0) return 0;
    node = child;
    if (after >= length) return node;
    pos = after + 1;
  }
  return node;
}

/** Frees empty nodes from `node` up to the root. */
export function prune(node: i32): void {
  while (node != SUBSCRIPTION_ROOT && nodeGet(node, N_CHILDREN) == 0 && nodeGet(node, N_S0) == 0 &&
    nodeGet(node, N_S1) == 0 && nodeGet(node, N_S2) == 0 && nodeGet(node, N_S3) == 0) {
    const parent = nodeGet(node, N_PARENT);
    if (nodeGet(parent, N_S0) == node) nodeSet(parent, N_S0, 0);
    else {
      removeEdge(node);
      nodeSet(parent, N_CHILDREN, nodeGet(parent, N_CHILDREN) - 1);
    }
    freeNode(node);
    node = parent;
  }
}

function reserveSeen(subscriberId: i32): bool {
  const old = tw(T_SEEN_CAP);
  if (subscriberId < old) return true;
  if (!reserve(twAt(T_SEEN), 8, subscriberId + 1)) return false;
  const at = <usize>tw(T_SEEN);
  memory.fill(at + <usize>(old << 3), 0, <usize>((tw(T_SEEN_CAP) - old) << 3));
  return true;
}

/** Adds or replaces the subscription of `subscriberId` to the filter in SCRATCH_IN[filterOffset, +filterLength).
 *  Returns 0 added, 1 replaced, or a negative reason code. */
export function subscribe(subscriberId: i32, filterOffset: i32, filterLength: i32, options: i32, subscriptionId: i32): i32 {
  const ptr = <usize>(getWord(H_SCRATCH_IN) + filterOffset);
  if (checkFilter(ptr, filterLength) < 0) return -TOPIC_FILTER_INVALID;
  if (subscriberId < 0) return -UNSPECIFIED;
  if (!ensureTopics() || !reserveWalk() || !ensureNodes() || !ensureSubscriptions() || !reserveSeen(subscriberId)) return -QUOTA_EXCEEDED;
  const skip = sharePrefix(ptr, filterLength); // `$share/{ShareName}/` when > 0
  const key = filterNode(ptr + <usize>skip, filterLength - skip, true);
  if (key == 0) return -QUOTA_EXCEEDED;
  const node = key & ~HASH_KEY;
  let owner = key; // the subscriptions' owner key, and the node and field of their list
  let list = node;
  let field = key != node ? N_S1 : N_S2;
  if (skip > 0) {
    owner = list = childFor(node | GROUP_KEY | (key & HASH_KEY), ptr + 7, skip - 8);
    field = N_S2;
    if (owner == 0) { prune(node); return -QUOTA_EXCEEDED; }
    if (nodeGet(owner, N_S2) == 0) { // a new group: link it first in the node's group list
      const head = nodeGet(node, N_S3);
      nodeSet(owner, N_S1, head);
      if (head != 0) nodeSet(head, N_S3, owner);
      nodeSet(node, N_S3, owner);
    }
  }
  const head = nodeGet(list, field);
  let id = findSubscription(owner, head, subscriberId);
  const replaced = id != 0;
  if (!replaced) {
    id = newSubscription(owner, head, subscriberId);
    if (id == 0) {
      if (skip > 0) unlinkGroup(owner, node);
      prune(node);
      return -QUOTA_EXCEEDED;
    }
    subSet(id, S_NEXT, head);
    if (head != 0) subSet(head, S_PREV, id);
    nodeSet(list, field, id);
    if (skip > 0) nodeSet(owner, N_CHILDREN, nodeGet(owner, N_CHILDREN) + 1);
    setTw(T_SUBSCRIPTION_COUNT, tw(T_SUBSCRIPTION_COUNT) + 1);
  }
  setOptions(id, options, subscriptionId);
  return replaced ? 1 : 0;
}

/** Removes a group node that has no members left. */
function unlinkGroup(group: i32, node: i32): void {
  if (nodeGet(group, N_S2) != 0) return;
  const next = nodeGet(group, N_S1);
  const prev = nodeGet(group, N_S3);
  if (prev != 0) nodeSet(prev, N_S1, next); else nodeSet(node, N_S3, next);
  if (next != 0) nodeSet(next, N_S3, prev);
  removeEdge(group);
  freeNode(group);
}

/** Removes the subscription of `subscriberId` to the filter. Returns 1 when there was one, else 0. */
export function unsubscribe(subscriberId: i32, filterOffset: i32, filterLength: i32): i32 {
  const ptr = <usize>(getWord(H_SCRATCH_IN) + filterOffset);
  if (checkFilter(ptr, filterLength) < 0 || !hasTopics() || tw(T_SUBSCRIPTION_COUNT) == 0) return 0;
  const skip = sharePrefix(ptr, filterLength); // `$share/{ShareName}/` when > 0
  const key = filterNode(ptr + <usize>skip, filterLength - skip, false);
  if (key == 0) return 0;
  const node = key & ~HASH_KEY;
  const owner = skip == 0 ? key : findChild(node | GROUP_KEY | (key & HASH_KEY), ptr + 7, skip - 8);
  if (owner == 0) return 0;
  const list = skip > 0 ? owner : node; // the node and field of the subscriptions' list
  const field = skip == 0 && key != node ? N_S1 : N_S2;
  const id = findSubscription(owner, nodeGet(list, field), subscriberId);
  if (id == 0) return 0;
  const next = subGet(id, S_NEXT);
  const prev = subGet(id, S_PREV);
  if (prev != 0) subSet(prev, S_NEXT, next);
  else nodeSet(list, field, next);
  if (next != 0) subSet(next, S_PREV, prev);
  if (skip > 0) {
    nodeSet(owner, N_CHILDREN, nodeGet(owner, N_CHILDREN) - 1);
    if (nodeGet(owner, N_S0) == id) nodeSet(owner, N_S0, next); // the round-robin cursor moves on
    unlinkGroup(owner, node);
  }
  freeSubscription(id);
  setTw(T_SUBSCRIPTION_COUNT, tw(T_SUBSCRIPTION_COUNT) - 1);
  prune(node);
  return 1;
}

export function subscriptionCount(): i32 {
  return hasTopics() ? tw(T_SUBSCRIPTION_COUNT) : 0;
}

