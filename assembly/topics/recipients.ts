// The recipients of a match in MATCH_OUT: one entry per subscriber (overlapping subscriptions merged,
// duplicates found with the epoch column) plus one per shared group delivery, then the subscription
// identifiers of every entry after the entries. match.ts walks the trie and calls these.
import { tw, twAt } from "./root";
import { H_MATCH_OUT, H_MATCH_SUB_IDS, T_SEEN, T_EPOCH, T_IDS, MATCH_WORDS, MATCH_SHARED_BIT, MATCH_RAP_BIT } from "../layout";
import { getWord, setWord } from "../util/header";
import { reserve } from "../util/columns";
import { N_PARENT, N_CHILDREN, N_S0, N_S1, N_S2, N_S3, HASH_KEY, nodeGet, nodeSet } from "./nodes";
import { S_SUBSCRIBER, S_OPTIONS, S_SUBSCRIPTION_ID, S_NEXT, subAt, subGet } from "./subscriptions";
import { OPTION_NO_LOCAL, QOS_MASK } from "../wire/packet-type";
import { reserveMatchOut } from "./match-out";

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
export function emitList(head: i32, publisherId: i32, epoch: i32, total: i32): i32 {
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
export function emitGroups(node: i32, which: i32, publisherId: i32, total: i32): i32 {
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

/** Moves every entry's subscription identifiers from the chains to after the entries. */
export function layOutIds(count: i32): void {
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
