// match(): which subscriptions a Topic Name reaches, written to MATCH_OUT (recipients.ts). The trie
// is walked breadth first in phases, so that the cache misses of several branches overlap.
import { tw, setTw, hasTopics } from "./root";
import { H_SCRATCH_IN, H_MATCH_SUB_IDS, T_SEEN, T_SEEN_CAP, T_EPOCH, T_SUBSCRIPTION_COUNT } from "../layout";
import { getWord, setWord } from "../util/header";
import { N_CHILDREN, N_S0, N_S1, N_S2, N_S3, SUBSCRIPTION_ROOT, HASH_KEY, N_LEVEL_A, INLINE, nodeAt, labelPtr, labelLength, levelKey } from "./nodes";
import { edgeHash, firstSlot, nextCandidate, candidateAt, isChild } from "./edges";
import { S_SUBSCRIBER, subAt } from "./subscriptions";
import { QUOTA_EXCEEDED } from "../wire/errors";
import { emitList, emitGroups, layOutIds } from "./recipients";
import { splitLevels, levelStart, levelHash, reserveStack, stackAt } from "./walk";

// A walk entry, 8 words in the walk stack (4 of its pairs): a node reached after `level` levels,
// the edge hash and slot of its literal lookup (slot -1: none), and the two subscription lists it
// delivers to (0: none), emitted after the walk.
const E_NODE: i32 = 0;
const E_LEVEL: i32 = 1;
const E_HASH: i32 = 2;
const E_SLOT: i32 = 3;
const E_OWN: i32 = 4;
const E_ALL: i32 = 5;

@inline function entryAt(k: i32): usize {
  return stackAt(k << 2);
}

@inline function entryGet(k: i32, field: i32): i32 {
  return load<i32>(entryAt(k) + (<usize>field << 2));
}

@inline function push(k: i32, node: i32, level: i32): void {
  const e = entryAt(k);
  store<i32>(e, node);
  store<i32>(e, level, E_LEVEL << 2);
}

/** Whether a label of `labelSize` bytes, whose first `size` bytes are known equal, equals the bytes at `ptr`. */
@inline function sameRest(at: usize, ptr: usize, size: i32, labelSize: i32): bool {
  if (labelSize <= INLINE) return (load<u64>(ptr) & (<u64>-1 >> <u64>((INLINE - labelSize) << 3))) == load<u64>(at + (N_LEVEL_A << 2));
  return memory.compare(labelPtr(at) + <usize>size, ptr + <usize>size, <usize>(labelSize - size)) == 0;
}

// The walk. At a node reached after level i:
//   - `#` subscriptions (S1): match every remaining level, and none (`a/#` matches `a`) [MQTT-4.7.1-2 v3.1.1]
//   - `+` child: matches level i whatever its bytes, the empty level included
//   - the literal child whose label is level i, or levels i.. when it holds several (byte for byte)
// A Topic Name starting with `$` is not matched by a filter starting with a wildcard [MQTT-4.7.2-1].
// Entries are taken a generation at a time (the children of the previous one), in three phases:
// read every node, then the first edge slot of every literal lookup, then every candidate child.
// The reads of one phase do not depend on each other, so the processor overlaps their cache misses
// (Wasm has no prefetch); a depth-first walk would wait for each in turn.
/** Matches the Topic Name in SCRATCH_IN[topicOffset, +topicLength); returns the MATCH_OUT entry count (MATCH_OUT
 *  grows to hold them all), or -QUOTA_EXCEEDED when memory cannot grow. */
export function match(topicOffset: i32, topicLength: i32, publisherId: i32): i32 {
  setWord(H_MATCH_SUB_IDS, 0);
  if (!hasTopics() || tw(T_SUBSCRIPTION_COUNT) == 0 || topicLength < 1 || topicLength > 65535) return 0; // [MQTT-4.7.3-3] no valid name is longer
  const ptr = <usize>(getWord(H_SCRATCH_IN) + topicOffset);
  const levels = splitLevels(ptr, topicLength);
  if (levels < 0) return -QUOTA_EXCEEDED;
  let epoch = tw(T_EPOCH) + 1;
  if (epoch == 0) {
    memory.fill(<usize>tw(T_SEEN), 0, <usize>(tw(T_SEEN_CAP) << 3));
    epoch = 1;
  }
  setTw(T_EPOCH, epoch);
  const dollar = load<u8>(ptr) == 0x24;
  let total = 0;
  let head = 0;
  let tail = 1;
  if (!reserveStack(8)) return -QUOTA_EXCEEDED;
  push(0, SUBSCRIPTION_ROOT, 0);
  while (head < tail && total >= 0) {
    const end = tail;
    if (!reserveStack((end + 2 * (end - head) + 1) << 2)) return -QUOTA_EXCEEDED; // each entry adds at most two
    for (let k = head; k < end; k++) { // the nodes
      const e = entryAt(k);
      const node = load<i32>(e);
      const i = load<i32>(e, E_LEVEL << 2);
      const at = nodeAt(node);
      let own = 0;
      let all = 0;
      let slot = -1;
      if (i == levels) {
        own = load<i32>(at + (N_S2 << 2));
        all = load<i32>(at + (N_S1 << 2));
        if (load<i32>(at + (N_S3 << 2)) != 0) total = emitGroups(node, -1, publisherId, total);
      } else {
        if (i != 0 || !dollar) { // [MQTT-4.7.2-1]
          all = load<i32>(at + (N_S1 << 2));
          if (load<i32>(at + (N_S3 << 2)) != 0) total = emitGroups(node, HASH_KEY, publisherId, total);
          const one = load<i32>(at + (N_S0 << 2));
          if (one != 0) push(tail++, one, i + 1);
        }
        if (load<i32>(at + (N_CHILDREN << 2)) != 0) { // literal children: look level i up
          const h = edgeHash(node, levelHash(i));
          store<i32>(e, <i32>h, E_HASH << 2);
          slot = firstSlot(h);
        }
      }
      store<i32>(e, slot, E_SLOT << 2);
      store<i32>(e, own, E_OWN << 2);
      store<i32>(e, all, E_ALL << 2);
    }
    for (let k = head; k < end; k++) { // the edge slots
      const e = entryAt(k);
      const slot = load<i32>(e, E_SLOT << 2);
      if (slot >= 0) store<i32>(e, nextCandidate(<u32>load<i32>(e, E_HASH << 2), slot), E_SLOT << 2);
    }
    for (let k = head; k < end; k++) { // the candidate children
      let slot = entryGet(k, E_SLOT);
      if (slot < 0) continue;
      const node = entryGet(k, E_NODE);
      const i = entryGet(k, E_LEVEL);
      const h = <u32>entryGet(k, E_HASH);
      const start = levelStart(i);
      const size = levelStart(i + 1) - 1 - start;
      const key = levelKey(ptr + <usize>start, size);
      let child = 0;
      for (; slot >= 0; slot = nextCandidate(h, slot + 1)) {
        const id = candidateAt(slot);
        if (isChild(id, node, key, ptr + <usize>start, size)) { child = id; break; }
      }
      if (child == 0) continue;
      let next = i + 1;
      const cat = nodeAt(child);
      const labelSize = labelLength(cat);
      if (labelSize != size) { // a label of several levels: it must equal the topic's next levels
        while (next < levels && levelStart(next + 1) - 1 - start < labelSize) next++;
        if (next >= levels || levelStart(next + 1) - 1 - start != labelSize || !sameRest(cat, ptr + <usize>start, size, labelSize)) continue;
        next++;
      }
      push(tail++, child, next);
    }
    head = end;
  }
  // the subscription lists: read every list's first record, then emit them (overlapped misses again)
  let touched = 0;
  for (let k = 0; k < tail; k++) {
    const own = entryGet(k, E_OWN);
    const all = entryGet(k, E_ALL);
    if (own != 0) touched |= load<i32>(subAt(own) + (S_SUBSCRIBER << 2));
    if (all != 0) touched |= load<i32>(subAt(all) + (S_SUBSCRIBER << 2));
  }
  store<i32>(entryAt(tail), touched); // kept, so that the reads are not optimised away
  for (let k = 0; k < tail && total >= 0; k++) {
    const own = entryGet(k, E_OWN);
    const all = entryGet(k, E_ALL);
    if (own != 0) total = emitList(own, publisherId, epoch, total);
    if (all != 0) total = emitList(all, publisherId, epoch, total);
  }
  if (total < 0) return -QUOTA_EXCEEDED; // memory cannot grow: the host says so rather than drop recipients
  const count = getWord(H_MATCH_SUB_IDS);
  layOutIds(count);
  return count;
}
