import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { TopicIndex } from "../../host/core/topics.ts";
import { MATCH_RAP_BIT, MATCH_SHARED_BIT } from "../../host/core/layout.ts";
import { matches } from "../oracle/matches.ts";
import { rng, pool, randomName, randomFilter } from "../oracle/random.ts";

// The core's trie against a plain model and the naive oracle: seeded random subscribe, unsubscribe
// and match, with overlaps, no-local, subscription identifiers and shared groups.
type Sub = { options: number; subscriptionId: number };
const GROUPS = ["g0", "g1"];
const groupOfSubscriber = (s: number) => (s >= 100 ? GROUPS[Math.floor((s - 100) / 3)] : undefined);

describe("trie vs oracle", () => {
  it("agrees on 200k random operations (overlaps, no-local, subscription ids, shared groups)", () => {
    const random = rng(0x5eed);
    const names = pool(random, 300, randomName);
    const plain = pool(random, 50, randomFilter);
    const sharedFilters = GROUPS.map((g) => plain.map((f) => `$share/${g}/${f}`));
    const filters = [...plain, ...sharedFilters.flat()];
    const hit = names.map((n) => filters.map((f) => matches(n, f)));
    const hitList = hit.map((row) => row.flatMap((h, fi) => (h ? [fi] : [])));
    const byFilter = filters.map(() => new Map<number, Sub>()); // filter index -> subscriberId -> options
    const t = new TopicIndex(new Core());
    const model = new Map<number, Map<number, Sub>>(); // subscriberId -> filter index -> options
    let live = 0;
    let checkedMatches = 0;
    let failure = "";
    const check = (ok: boolean, what: string) => { if (!ok && !failure) failure = `op ${checkedMatches}: ${what}`; };
    for (let op = 0; op < 200_000 && !failure; op++) {
      const r = random();
      const shared = random() < 0.3;
      const subscriberId = shared ? 100 + Math.floor(random() * 6) : Math.floor(random() * 12);
      const f = shared ? plain.length * (1 + GROUPS.indexOf(groupOfSubscriber(subscriberId)!)) + Math.floor(random() * plain.length)
        : Math.floor(random() * plain.length);
      const subs = model.get(subscriberId) ?? new Map<number, Sub>();
      model.set(subscriberId, subs);
      if (r < 0.25) {
        const options = Math.floor(random() * 3) | (random() < 0.2 ? 0x04 : 0) | (random() < 0.3 ? 0x08 : 0);
        const subscriptionId = random() < 0.5 ? 0 : 1 + Math.floor(random() * 1000);
        check(t.subscribe(subscriberId, filters[f]!, options, subscriptionId) === (subs.has(f) ? 1 : 0), `subscribe ${filters[f]}`);
        if (!subs.has(f)) live++;
        subs.set(f, { options, subscriptionId });
        byFilter[f]!.set(subscriberId, { options, subscriptionId });
      } else if (r < 0.6) {
        const had = subs.delete(f);
        byFilter[f]!.delete(subscriberId);
        if (had) live--;
        check(t.unsubscribe(subscriberId, filters[f]!) === had, `unsubscribe ${filters[f]}`);
      } else {
        const nameIndex = Math.floor(random() * names.length);
        const topicName = names[nameIndex]!;
        const hits = hit[nameIndex]!;
        const publisherId = random() < 0.5 ? Math.floor(random() * 12) : random() < 0.5 ? -1 : 100 + Math.floor(random() * 6);
        const expected = new Map<number, { qos: number; rap: number; ids: number[] }>();
        const sharedExpected = new Set<number>(); // filter indexes of shared subscriptions with an eligible member
        for (const fi of hitList[nameIndex]!) {
          for (const [s, sub] of byFilter[fi]!) {
            if (sub.options & 0x04 && s === publisherId) continue;
            if (fi >= plain.length) { sharedExpected.add(fi); continue; }
            const e = expected.get(s) ?? { qos: 0, rap: 0, ids: [] };
            e.qos = Math.max(e.qos, sub.options & 3);
            e.rap |= sub.options & MATCH_RAP_BIT;
            if (sub.subscriptionId) e.ids.push(sub.subscriptionId);
            expected.set(s, e);
          }
        }
        const n = t.match(topicName, publisherId);
        let sharedCount = 0;
        const got = new Map<number, { qos: number; rap: number; ids: number[] }>();
        for (let k = 0; k < n; k++) {
          const s = t.matchSubscriber(k), o = t.matchOptions(k);
          if (o & MATCH_SHARED_BIT) {
            sharedCount++;
            const candidates = [...model.get(s)!].filter(([fi, sub]) => fi >= plain.length && hits[fi] &&
              ((sub.options & 3) | (sub.options & MATCH_RAP_BIT)) === (o & 0x0b) && !(sub.options & 0x04 && s === publisherId));
            check(candidates.length > 0, `${topicName} shared ${s}`);
            continue;
          }
          check(!got.has(s), `one entry per subscriber ${s}`);
          got.set(s, { qos: o & 3, rap: o & MATCH_RAP_BIT, ids: t.matchSubscriptionIds(k).sort((a, b) => a - b) });
        }
        for (const e of expected.values()) e.ids.sort((a, b) => a - b);
        const canonical = (m: Map<number, unknown>) => JSON.stringify([...m].sort((a, b) => a[0] - b[0]));
        check(canonical(got) === canonical(expected), `${topicName} from ${publisherId}: ${canonical(got)} vs ${canonical(expected)}`);
        check(sharedCount === sharedExpected.size, `${topicName} shared groups ${sharedCount} vs ${sharedExpected.size}`);
        checkedMatches++;
      }
      check(t.subscriptionCount === live, `count ${t.subscriptionCount} vs ${live}`);
    }
    expect(failure).toBe("");
    expect(checkedMatches).toBeGreaterThan(70_000);
  });
});
