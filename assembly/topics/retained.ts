// The retained index: a trie of stored Topic Names (one retainedId per name) walked in reverse by
// retainedMatch(), which lists the ids whose names a Topic Filter (wildcards allowed) matches.
// Children of a retained node are a sibling list (S0 first child, S1 next, S3 previous).
import { tw, setTw, hasTopics, ensureTopics } from "./root";
import { H_SCRATCH_IN, H_MATCH_OUT, T_RETAINED_COUNT } from "../layout";
import { reserveMatchOut } from "./match-out";
import { getWord } from "../util/header";
import {
  N_PARENT, N_CHILDREN, N_S0, N_S1, N_S2, N_S3, RETAINED_ROOT, nodeGet, nodeSet, freeNode, levelFirstByte,
} from "./nodes";
import { ensureNodes, childFor, findChild, findHashed, removeEdge } from "./edges";
import { checkTopicName as checkName, checkTopicFilter as checkFilter, sharePrefix } from "../wire/topic-check";
import { QUOTA_EXCEEDED, TOPIC_FILTER_INVALID } from "../wire/errors";
import { splitLevels, levelStart, levelHash, reserveStack, reserveWalk, stackAt } from "./walk";

const SUBTREE: i32 = -1; // stack level marking "every name under this node"

/** The node of a Topic Name in the retained trie (created when `create`), or 0. */
function nameNode(ptr: usize, length: i32, create: bool): i32 {
  let node = RETAINED_ROOT;
  let start = 0;
  while (node != 0) {
    let end = start;
    while (end < length && load<u8>(ptr + <usize>end) != 0x2f) end++;
    const children = nodeGet(node, N_CHILDREN);
    const child = create ? childFor(node, ptr + <usize>start, end - start) : findChild(node, ptr + <usize>start, end - start);
    if (child != 0 && nodeGet(node, N_CHILDREN) != children) { // new: link it first among its siblings
      const first = nodeGet(node, N_S0);
      nodeSet(child, N_S1, first);
      if (first != 0) nodeSet(first, N_S3, child);
      nodeSet(node, N_S0, child);
    }
    node = child;
    if (end >= length) break;
    start = end + 1;
  }
  return node;
}

function prune(node: i32): void {
  while (node != RETAINED_ROOT && nodeGet(node, N_S0) == 0 && nodeGet(node, N_S2) == 0) {
    const parent = nodeGet(node, N_PARENT);
    const next = nodeGet(node, N_S1);
    const prev = nodeGet(node, N_S3);
    if (prev != 0) nodeSet(prev, N_S1, next); else nodeSet(parent, N_S0, next);
    if (next != 0) nodeSet(next, N_S3, prev);
    removeEdge(node);
    nodeSet(parent, N_CHILDREN, nodeGet(parent, N_CHILDREN) - 1);
    freeNode(node);
    node = parent;
  }
}

/** Stores `retainedId` (>= 0) for the Topic Name; returns the id it replaced, -1 when new, or a negative reason code. */
export function retainedSet(topicOffset: i32, topicLength: i32, retainedId: i32): i32 {
  const ptr = <usize>(getWord(H_SCRATCH_IN) + topicOffset);
  const invalid = checkName(ptr, topicLength);
  if (invalid < 0) return invalid;
  if (!ensureTopics() || !reserveWalk() || !ensureNodes()) return -QUOTA_EXCEEDED;
  const node = nameNode(ptr, topicLength, true);
  if (node == 0) return -QUOTA_EXCEEDED;
  const previous = nodeGet(node, N_S2) - 1;
  nodeSet(node, N_S2, retainedId + 1);
  if (previous < 0) setTw(T_RETAINED_COUNT, tw(T_RETAINED_COUNT) + 1);
  return previous;
}

/** Removes the Topic Name; returns its retainedId, or -1 when it had none. */
export function retainedDelete(topicOffset: i32, topicLength: i32): i32 {
  const ptr = <usize>(getWord(H_SCRATCH_IN) + topicOffset);
  if (!hasTopics() || tw(T_RETAINED_COUNT) == 0 || checkName(ptr, topicLength) < 0) return -1;
  const node = nameNode(ptr, topicLength, false);
  if (node == 0 || nodeGet(node, N_S2) == 0) return -1;
  const previous = nodeGet(node, N_S2) - 1;
  nodeSet(node, N_S2, 0);
  setTw(T_RETAINED_COUNT, tw(T_RETAINED_COUNT) - 1);
  prune(node);
  return previous;
}

@inline function startsWithDollar(node: i32): bool {
  return levelFirstByte(node) == 0x24;
}

/** Pushes [node, level], growing the stack; false when memory is exhausted. */
function push(sp: i32, node: i32, level: i32): bool {
  if (!reserveStack(sp + 1)) return false;
  store<i32>(stackAt(sp), node);
  store<i32>(stackAt(sp) + 4, level);
  return true;
}

/** Writes to MATCH_OUT (grown as needed) the retainedIds whose Topic Names the filter in SCRATCH_IN matches;
 *  returns their count, or -QUOTA_EXCEEDED when memory cannot grow. */
export function retainedMatch(filterOffset: i32, filterLength: i32): i32 {
  let ptr = <usize>(getWord(H_SCRATCH_IN) + filterOffset);
  if (checkFilter(ptr, filterLength) < 0) return -TOPIC_FILTER_INVALID;
  const skip = sharePrefix(ptr, filterLength);
  ptr += <usize>skip;
  filterLength -= skip;
  if (!hasTopics() || tw(T_RETAINED_COUNT) == 0) return 0;
  const levels = splitLevels(ptr, filterLength);
  if (levels < 0 || !push(0, RETAINED_ROOT, 0)) return 0;
  let count = 0;
  let sp = 1;
  while (sp > 0) {
    if (!reserveMatchOut(count + 2, count)) return -QUOTA_EXCEEDED; // room for this step's (at most two) ids
    const out = <usize>getWord(H_MATCH_OUT);
    sp--;
    const node = load<i32>(stackAt(sp));
    const i = load<i32>(stackAt(sp) + 4);
    if (i == levels || i == SUBTREE) {
      const value = nodeGet(node, N_S2);
      if (value != 0) store<i32>(out + <usize>(count++ << 2), value - 1);
      if (i == levels) continue;
      for (let c = nodeGet(node, N_S0); c != 0; c = nodeGet(c, N_S1)) if (push(sp, c, SUBTREE)) sp++;
      continue;
    }
    const start = levelStart(i);
    const length = levelStart(i + 1) - 1 - start;
    const wildcard = length == 1 ? load<u8>(ptr + <usize>start) : 0;
    if (wildcard == 0x23 || wildcard == 0x2b) {
      // `#` also matches the parent level (`a/#` matches `a`); neither matches a `$` name at the root [MQTT-4.7.2-1]
      if (wildcard == 0x23 && i > 0) {
        const value = nodeGet(node, N_S2);
        if (value != 0) store<i32>(out + <usize>(count++ << 2), value - 1);
      }
      for (let c = nodeGet(node, N_S0); c != 0; c = nodeGet(c, N_S1)) {
        if (i == 0 && startsWithDollar(c)) continue;
        if (push(sp, c, wildcard == 0x23 ? SUBTREE : i + 1)) sp++;
      }
      continue;
    }
    const child = findHashed(node, ptr + <usize>start, length, levelHash(i));
    if (child != 0 && push(sp, child, i + 1)) sp++;
  }
  return count;
}

export function retainedCount(): i32 {
  return hasTopics() ? tw(T_RETAINED_COUNT) : 0;
}
