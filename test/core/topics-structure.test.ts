import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { TopicIndex } from "../../host/core/topics.ts";
import { H_HEAP_TOP, MATCH_SHARED_BIT } from "../../host/core/layout.ts";
import { matches } from "../oracle/matches.ts";
import { rng, pick } from "../oracle/random.ts";

// The trie's inner structures at their edges: subscriber lists that are walked (up to 8 members)
// or found through the hash (longer), the breadth-first match walk (assembly/topics/match.ts) with
// many branches at once, and the record table (records.ts) that places a filter's first
// subscription next to its node. Checked against the naive oracle or a model of what was subscribed.

/** Subscriber -> QoS of every live subscription per filter, the model the index must agree with. */
type Model = Map<string, Map<number, number>>;

function expected(model: Model, name: string): Map<number, number> {
  const want = new Map<number, number>();
  for (const [filter, subs] of model) {
    if (!matches(name, filter)) continue;
    for (const [s, qos] of subs) want.set(s, Math.max(want.get(s) ?? 0, qos));
  }
  return want;
}

const sorted = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]);

describe("subscriber lists, short (walked) and long (hashed)", () => {
  it("lists growing past 8 members, shrinking to none and growing again keep add / replace / remove exact", () => {
    const random = rng(0x5b5);
    const t = new TopicIndex(new Core());
    const filters = ["a/b", "a/+", "a/#", "x"];
    const model: Model = new Map(filters.map((f) => [f, new Map()]));
    const members = new Set<number>(); // of the shared group g on a/b
    for (let round = 0; round < 6; round++) { // sizes swing across the walk limit: up to 20, down to 0
      const target = round % 2 === 0 ? 20 : 0;
      for (let op = 0; op < 400; op++) {
        const s = Math.floor(random() * 24);
        if (random() < 0.2) { // the shared group's list
          const has = members.has(s);
          if (has && (members.size > target || random() < 0.3)) {
            expect(t.unsubscribe(s, "$share/g/a/b")).toBe(true);
            members.delete(s);
          } else if (members.size < target || has) {
            expect(t.subscribe(s, "$share/g/a/b", 1, 0)).toBe(has ? 1 : 0);
            members.add(s);
          }
          continue;
        }
        const filter = pick(random, filters);
        const list = model.get(filter)!;
        const has = list.has(s);
        if (has && (list.size > target || random() < 0.3)) {
          expect(t.unsubscribe(s, filter), `unsubscribe ${s} ${filter}`).toBe(true);
          expect(t.unsubscribe(s, filter), `unsubscribe ${s} ${filter} twice`).toBe(false);
          list.delete(s);
        } else if (list.size < target || has) {
          const qos = Math.floor(random() * 3);
          expect(t.subscribe(s, filter, qos, 0), `subscribe ${s} ${filter}`).toBe(has ? 1 : 0);
          list.set(s, qos);
        }
        if (op % 10 !== 0) continue;
        for (const name of ["a/b", "a/c", "x", "a"]) {
          expect(sorted(delivered(t, name, false)), `${name} in round ${round}`).toEqual(sorted(expected(model, name)));
        }
        expect(delivered(t, "a/b", true).size).toBe(members.size > 0 ? 1 : 0);
      }
    }
    let live = members.size;
    for (const subs of model.values()) live += subs.size;
    expect(t.subscriptionCount).toBe(live);
  });

  it("1,000 subscribers of one filter: every one found, replaced and removed; the heap top returns where it was", () => {
    const core = new Core();
    const t = new TopicIndex(core);
    const tops: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let s = 0; s < 1000; s++) expect(t.subscribe(s, "big/list", 0, 0)).toBe(0);
      for (let s = 999; s >= 0; s -= 3) expect(t.subscribe(s, "big/list", 2, 0)).toBe(1);
      const m = delivered(t, "big/list", false);
      expect(m.size).toBe(1000);
      for (let s = 0; s < 1000; s++) expect(m.get(s), `qos of ${s}`).toBe((999 - s) % 3 === 0 ? 2 : 0);
      for (let s = 0; s < 1000; s += 2) expect(t.unsubscribe(s, "big/list")).toBe(true);
      for (let s = 0; s < 1000; s += 2) expect(t.unsubscribe(s, "big/list")).toBe(false);
      expect(delivered(t, "big/list", false).size).toBe(500);
      for (let s = 1; s < 1000; s += 2) expect(t.unsubscribe(s, "big/list")).toBe(true);
      expect(t.match("big/list", -1)).toBe(0);
      expect(t.subscriptionCount).toBe(0);
      tops.push(core.header(H_HEAP_TOP));
    }
    expect(tops[2]).toBe(tops[1]);
  });
});

describe("the breadth-first walk", () => {
  it("[MQTT-4.7.1-2] [MQTT-4.7.1-3] [MQTT-4.7.2-1] every mix of `+` and literal levels over 10 levels (1,024 branches at once) and `#` at each depth", () => {
    const t = new TopicIndex(new Core());
    const levels = ["a", "b", "", "dd", "level-longer-than-eight", "f", "g", "h", "i", "j"];
    const filters: string[] = [];
    for (let mask = 0; mask < 1 << levels.length; mask++) {
      filters.push(levels.map((l, k) => (mask & (1 << k) ? "+" : l)).join("/"));
    }
    for (let depth = 0; depth <= levels.length; depth++) filters.push([...levels.slice(0, depth), "#"].join("/"));
    filters.forEach((f, s) => expect(t.subscribe(s, f, s % 3, 0), f).toBe(0));
    const names = [levels.join("/"), levels.slice(0, 9).join("/"), ["a", "b", "", "dd", "x", "f", "g", "h", "i", "j"].join("/"), // `$`: no wildcard first level
      `$${levels.join("/")}`, levels.slice(0, 3).join("/"), "a/b/c/dd/e/f/g/h/i/j/k"];
    for (const name of names) {
      const want = filters.flatMap((f, s) => (matches(name, f) ? [s] : []));
      const got = delivered(t, name, false);
      expect([...got.keys()].sort((x, y) => x - y), name).toEqual(want);
      for (const s of want) expect(got.get(s), `${name}: QoS of ${filters[s]}`).toBe(s % 3);
    }
    expect(delivered(t, levels.join("/"), false).size).toBe(1024 + 11);
  });
});

describe("the record table", () => {
  it("nodes and subscriptions freed in any order are reused: matches stay exact, the heap top stops growing", () => {
    const random = rng(0x7ec0);
    const core = new Core();
    const t = new TopicIndex(core);
    const filters = [...new Set(Array.from({ length: 3000 }, (_, k) =>
      [`r${k % 7}`, `s${(k * 13) % 50}`, random() < 0.2 ? "+" : `d${k}`, random() < 0.3 ? "#" : `m${k % 5}`].join("/")))];
    const live = new Map<number, number>(); // filter index -> subscriber
    const tops: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let op = 0; op < 6000; op++) {
        const f = Math.floor(random() * filters.length);
        if (live.has(f)) {
          expect(t.unsubscribe(live.get(f)!, filters[f]!)).toBe(true);
          live.delete(f);
        } else {
          const s = Math.floor(random() * 40);
          expect(t.subscribe(s, filters[f]!, 1, 0)).toBe(0);
          live.set(f, s);
        }
        if (op % 500 !== 0) continue;
        const name = [`r${op % 7}`, `s${(op * 13) % 50}`, `d${op % 3000}`, `m${op % 5}`].join("/");
        const want = new Set([...live].filter(([i]) => matches(name, filters[i]!)).map(([, s]) => s));
        expect([...delivered(t, name, false).keys()].sort((x, y) => x - y), name).toEqual([...want].sort((x, y) => x - y));
      }
      for (const [f, s] of live) expect(t.unsubscribe(s, filters[f]!)).toBe(true);
      live.clear();
      expect(t.subscriptionCount).toBe(0);
      tops.push(core.header(H_HEAP_TOP));
    }
    expect(tops[3]).toBe(tops[2]);
  });
});

/** The non-shared (or only the shared) deliveries of a match: subscriber -> QoS. */
function delivered(t: TopicIndex, name: string, shared: boolean): Map<number, number> {
  const n = t.match(name, -1);
  const out = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    if (((t.matchOptions(k) & MATCH_SHARED_BIT) !== 0) === shared) out.set(t.matchSubscriber(k), t.matchOptions(k) & 3);
  }
  return out;
}
