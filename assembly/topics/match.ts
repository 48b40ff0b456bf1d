// match(): which subscriptions a Topic Name reaches, written to MATCH_OUT as one entry per
// subscriber (overlaps merged, duplicates found with the epoch column) plus one entry per shared
// group delivery, then the subscription identifiers of every entry after the entries.
import { tw, setTw, twAt, hasTopics } from "./root";
import {
  H_SCRATCH_IN, H_MATCH_OUT, H_MATCH_SUB_IDS, T_SEEN, T_SEEN_CAP, T_EPOCH,
  T_IDS, T_IDS_CAP, T_SUBSCRIPTION_COUNT, MATCH_WORDS,
  MATCH_SHARED_BIT, MATCH_RAP_BIT,
} from "../layout";
import { getWord, setWord } from "../util/header";
import { reserve } from "../util/columns";
import {
  N_PARENT, N_CHILDREN, N_S0, N_S1, N_S2, N_S3, SUBSCRIPTION_ROOT, HASH_KEY, N_LEVEL_A, INLINE, nodeAt, nodeGet,
  nodeSet, labelPtr, labelLength,
} from "./nodes";
import { findHashed } from "./edges";
import { S_SUBSCRIBER, S_OPTIONS, S_SUBSCRIPTION_ID, S_NEXT, subAt, subGet } from "./subscriptions";
import { OPTION_NO_LOCAL, QOS_MASK } from "../wire/packet-type";
import { QUOTA_EXCEEDED } from "../wire/errors";
import { reserveMatchOut } from "./match-out";
import { splitLevels, levelStart, levelHash, reserveStack, stackAt } from "./walk";

/** Adds a subscription identifier to an entry's chain in the ids block; -1 when memory is exhausted. */
function addId(entry: i32, subscriptionId: i32, total: i32): i32 {
  if (subscriptionId == 0) return total;
  const count = getWord(H_MATCH_SUB_IDS);
  if (!reserveMatchOut(count * MATCH_WORDS + total + 1, count * MATCH_WORDS) || !reserve(twAt(T_IDS), 8, total + 1)) return -1;
  const pair = <usize>tw(T_IDS) + <usize>(total << 3);
  const at = <usize>getWord(H_MATCH_OUT) + <usize>((entry * MATCH_WORDS + 2) << 2);
  store<i32>(pair, subscriptionId);
  store<i32>(pair + 4, load<i32>(at));
  store<i32>(at, total);
  store<i32>(at + 4, load<i32>(at + 4) + 1);
  return total + 1;
}

// Duplicate subscribers: while a match has at most FEW entries, a scan of them finds an earlier
// entry (no access to the per-subscriber column, which is a cache miss per recipient); beyond
// that, the epoch column does, filled with the entries so far when the FEW+1st is added.
const FEW: i32 = 8;

/** The earlier non-shared entry of `subscriberId` in this match, or -1. */
@inline function earlierEntry(out: usize, seen: usize, subscriberId: i32, epoch: i32): i32 {
  const count = getWord(H_MATCH_SUB_IDS);
  if (count > FEW) {
    const mark = seen + <usize>(subscriberId << 3);
    return load<i32>(mark) == epoch ? load<i32>(mark + 4) : -1;
  }
  for (let k = 0; k < count; k++) {
    const at = out + <usize>((k * MATCH_WORDS) << 2);
    if (load<i32>(at) == subscriberId && (load<i32>(at + 4) & MATCH_SHARED_BIT) == 0) return k;
  }
  return -1;
}

/** Marks the first `count` non-shared entries in the epoch column. */
function markEntries(out: usize, seen: usize, epoch: i32, count: i32): void {
  for (let k = 0; k < count; k++) {
    const at = out + <usize>((k * MATCH_WORDS) << 2);
    if ((load<i32>(at + 4) & MATCH_SHARED_BIT) != 0) continue;
    const mark = seen + <usize>(load<i32>(at) << 3);
    store<i32>(mark, epoch);
    store<i32>(mark + 4, k);
  }
}

/** A new entry, or -1 when MATCH_OUT cannot grow. H_MATCH_SUB_IDS holds the entry count during the walk. */
function newEntry(subscriberId: i32, options: i32, total: i32): i32 {
  const count = getWord(H_MATCH_SUB_IDS);
  if (!reserveMatchOut((count + 1) * MATCH_WORDS + total, count * MATCH_WORDS)) return -1;
  const out = <usize>getWord(H_MATCH_OUT);
  const at = out + <usize>((count * MATCH_WORDS) << 2);
  store<i32>(at, subscriberId);
  store<i32>(at + 4, options);
  store<i32>(at + 8, -1);
  store<i32>(at + 12, 0);
  setWord(H_MATCH_SUB_IDS, count + 1);
  if (count >= FEW) {
    const seen = <usize>tw(T_SEEN), epoch = tw(T_EPOCH);
    if (count == FEW) markEntries(out, seen, epoch, FEW + 1);
    else if ((options & MATCH_SHARED_BIT) == 0) {
      store<i32>(seen + <usize>(subscriberId << 3), epoch);
      store<i32>(seen + <usize>(subscriberId << 3) + 4, count);
    }
  }
  return count;
}

/** Emits the subscriptions of a list (overlaps merged per subscriber); returns the id total, -1 when
 *  memory is exhausted. */
function emitList(head: i32, publisherId: i32, epoch: i32, total: i32): i32 {
  if (total < 0) return total;
  let out = <usize>getWord(H_MATCH_OUT);
  const seen = <usize>tw(T_SEEN);
  for (let s = head; s != 0;) {
    const sub = subAt(s);
    s = load<i32>(sub + (S_NEXT << 2));
    const subscriberId = load<i32>(sub + (S_SUBSCRIBER << 2));
    const options = load<i32>(sub + (S_OPTIONS << 2));
    if ((options & OPTION_NO_LOCAL) != 0 && subscriberId == publisherId) continue; // v5 [MQTT-3.8.3-3]
    let entry = earlierEntry(out, seen, subscriberId, epoch);
    if (entry >= 0) {
      const at = out + <usize>((entry * MATCH_WORDS + 1) << 2);
      const merged = load<i32>(at);
      const qos = max(merged & QOS_MASK, options & QOS_MASK);
      store<i32>(at, (merged & ~QOS_MASK) | qos | (options & MATCH_RAP_BIT));
    } else {
      entry = newEntry(subscriberId, options & (QOS_MASK | MATCH_RAP_BIT), total);
      if (entry < 0) return -1;
      out = <usize>getWord(H_MATCH_OUT); // a new entry may have moved MATCH_OUT
    }
    total = addId(entry, load<i32>(sub + (S_SUBSCRIPTION_ID << 2)), total);
    if (total < 0) return -1;
  }
  return total;
}

/** Emits one member of each shared group of a node: of its own filter (`which` 0), of its `#`
 *  filter (HASH_KEY), or both (-1); returns the id total. */
function emitGroups(node: i32, which: i32, publisherId: i32, total: i32): i32 {
  if (total < 0) return total;
  for (let group = nodeGet(node, N_S3); group != 0; group = nodeGet(group, N_S1)) {
    if (which >= 0 && (nodeGet(group, N_PARENT) & HASH_KEY) != which) continue;
    const members = nodeGet(group, N_CHILDREN);
    let s = nodeGet(group, N_S0);
    for (let tries = 0; tries < members; tries++) {
      if (s == 0) s = nodeGet(group, N_S2);
      const options = subGet(s, S_OPTIONS);
      const next = subGet(s, S_NEXT);
      if ((options & OPTION_NO_LOCAL) == 0 || subGet(s, S_SUBSCRIBER) != publisherId) {
        nodeSet(group, N_S0, next); // round robin: the next message goes to the next member
        const entry = newEntry(subGet(s, S_SUBSCRIBER), (options & (QOS_MASK | MATCH_RAP_BIT)) | MATCH_SHARED_BIT, total);
        if (entry < 0) return -1;
        total = addId(entry, subGet(s, S_SUBSCRIPTION_ID), total);
        if (total < 0) return -1;
        break;
      }
      s = next;
    }
  }
  return total;
}

/** Whether a label of `labelSize` bytes, whose first `size` bytes are known equal, equals the bytes at `ptr`. */
@inline function sameRest(at: usize, ptr: usize, size: i32, labelSize: i32): bool {
  if (labelSize <= INLINE) return (load<u64>(ptr) & (<u64>-1 >> <u64>((INLINE - labelSize) << 3))) == load<u64>(at + (N_LEVEL_A << 2));
  return memory.compare(labelPtr(at) + <usize>size, ptr + <usize>size, <usize>(labelSize - size)) == 0;
}

/** Moves every entry's subscription identifiers from the chains to after the entries. */
function layOutIds(count: i32): void {
  const out = <usize>getWord(H_MATCH_OUT);
  const ids = <usize>tw(T_IDS);
  let w = count * MATCH_WORDS;
  setWord(H_MATCH_SUB_IDS, w);
  for (let k = 0; k < count; k++) {
    const at = out + <usize>((k * MATCH_WORDS + 2) << 2);
    let link = load<i32>(at);
    store<i32>(at, w);
    while (link >= 0) {
      store<i32>(out + <usize>(w << 2), load<i32>(ids + <usize>(link << 3)));
      link = load<i32>(ids + <usize>(link << 3) + 4);
      w++;
    }
  }
}

// The walk, iterative over an explicit [node, level] stack. At a node reached after level i:
//   - `#` subscriptions (S1): match every remaining level, and none (`a/#` matches `a`) [MQTT-4.7.1-2 v3.1.1]
//   - `+` child: matches level i whatever its bytes, the empty level included
//   - the literal child whose label is level i, or levels i.. when it holds several (byte for byte)
// A Topic Name starting with `$` is not matched by a filter starting with a wildcard [MQTT-4.7.2-1].
/** Matches the Topic Name in SCRATCH_IN[topicOffset, +topicLength); returns the MATCH_OUT entry count (MATCH_OUT
 *  grows to hold them all), or -QUOTA_EXCEEDED when memory cannot grow. */
export function match(topicOffset: i32, topicLength: i32, publisherId: i32): i32 {
  setWord(H_MATCH_SUB_IDS, 0);
  if (!hasTopics() || tw(T_SUBSCRIPTION_COUNT) == 0 || topicLength < 1 || topicLength > 65535) return 0; // [MQTT-4.7.3-3] no valid name is longer
  const ptr = <usize>(getWord(H_SCRATCH_IN) + topicOffset);
  const levels = splitLevels(ptr, topicLength);
  if (levels < 0 || !reserveStack(2 * levels + 4)) return 0;
  let epoch = tw(T_EPOCH) + 1;
  if (epoch == 0) {
    memory.fill(<usize>tw(T_SEEN), 0, <usize>(tw(T_SEEN_CAP) << 3));
    epoch = 1;
  }
  setTw(T_EPOCH, epoch);
  const dollar = load<u8>(ptr) == 0x24;
  let total = 0;
  let sp = 0;
  store<i32>(stackAt(0), SUBSCRIPTION_ROOT);
  store<i32>(stackAt(0) + 4, 0);
  sp = 1;
  while (sp > 0 && total >= 0) {
    sp--;
    const node = load<i32>(stackAt(sp));
    const i = load<i32>(stackAt(sp) + 4);
    const at = nodeAt(node);
    if (i == levels) {
      const own = load<i32>(at + (N_S2 << 2));
      if (own != 0) total = emitList(own, publisherId, epoch, total);
      const all = load<i32>(at + (N_S1 << 2));
      if (all != 0) total = emitList(all, publisherId, epoch, total);
      if (load<i32>(at + (N_S3 << 2)) != 0) total = emitGroups(node, -1, publisherId, total);
      continue;
    }
    if (i != 0 || !dollar) { // [MQTT-4.7.2-1]
      const all = load<i32>(at + (N_S1 << 2));
      if (all != 0) total = emitList(all, publisherId, epoch, total);
      if (load<i32>(at + (N_S3 << 2)) != 0) total = emitGroups(node, HASH_KEY, publisherId, total);
      const one = load<i32>(at + (N_S0 << 2));
      if (one != 0) {
        store<i32>(stackAt(sp), one);
        store<i32>(stackAt(sp) + 4, i + 1);
        sp++;
      }
    }
    if (load<i32>(at + (N_CHILDREN << 2)) == 0) continue; // no literal children: no edge lookup
    const start = levelStart(i);
    const size = levelStart(i + 1) - 1 - start;
    const child = findHashed(node, ptr + <usize>start, size, levelHash(i));
    if (child == 0) continue;
    let next = i + 1;
    const cat = nodeAt(child);
    const labelSize = labelLength(cat);
    if (labelSize != size) { // a label of several levels: it must equal the topic's next levels
      while (next < levels && levelStart(next + 1) - 1 - start < labelSize) next++;
      if (next >= levels || levelStart(next + 1) - 1 - start != labelSize || !sameRest(cat, ptr + <usize>start, size, labelSize)) continue;
      next++;
    }
    store<i32>(stackAt(sp), child);
    store<i32>(stackAt(sp) + 4, next);
    sp++;
  }
  if (total < 0) return -QUOTA_EXCEEDED; // memory cannot grow: the host says so rather than drop recipients
  const count = getWord(H_MATCH_SUB_IDS);
  layOutIds(count);
  return count;
}
