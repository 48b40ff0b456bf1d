import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { TopicIndex } from "../../host/core/topics.ts";
import { H_HEAP_TOP } from "../../host/core/layout.ts";
import { matches } from "../oracle/matches.ts";
import { rng, pick, pool } from "../oracle/random.ts";

// Path compression (assembly/topics/labels.ts): runs of literal levels stored as one node, split
// where a filter leaves them. Deep filters of long and short levels, against the naive oracle.
const LEVELS = ["a", "level-longer-than-eight", "bb", "", "ccc/", "d"].flatMap((l) => l.split("/"));

function deepName(random: () => number): string {
  return Array.from({ length: 1 + Math.floor(random() * 7) }, () => pick(random, LEVELS)).join("/") || "/";
}

function deepFilter(random: () => number): string {
  const out = Array.from({ length: 1 + Math.floor(random() * 7) }, () => (random() < 0.1 ? "+" : pick(random, LEVELS)));
  if (random() < 0.1) out.push("#");
  return out.join("/") || "/";
}

describe("compressed labels", () => {
  it("splitting, extending and pruning labels keeps every match equal to the oracle's", () => {
    const random = rng(0x1abe1);
    const names = pool(random, 400, deepName);
    const filters = pool(random, 300, deepFilter);
    const t = new TopicIndex(new Core());
    const live = new Set<number>(); // filter index, subscribed by subscriber (index % 17)
    for (let op = 0; op < 30_000; op++) {
      const f = Math.floor(random() * filters.length);
      if (live.has(f)) {
        expect(t.unsubscribe(f % 17, filters[f]!)).toBe(true);
        live.delete(f);
      } else {
        expect(t.subscribe(f % 17, filters[f]!, 0, 0)).toBe(0);
        live.add(f);
      }
      if (op % 50 !== 0) continue;
      const name = pick(random, names);
      const want = new Set([...live].filter((i) => matches(name, filters[i]!)).map((i) => i % 17));
      const n = t.match(name, -1);
      const got = new Set(Array.from({ length: n }, (_, k) => t.matchSubscriber(k)));
      expect([...got].sort((x, y) => x - y), `${name} after op ${op}`).toEqual([...want].sort((x, y) => x - y));
      expect(got.size).toBe(n);
    }
  });

  it("a filter ending inside a label, leaving it at a wildcard, and a longer one all match", () => {
    const t = new TopicIndex(new Core());
    t.subscribe(1, "a/level-longer-than-eight/b/c", 0, 0);
    t.subscribe(2, "a/level-longer-than-eight", 0, 0);
    t.subscribe(3, "a/+/b/c", 0, 0);
    t.subscribe(4, "a/level-longer-than-eight/b/c/d/e", 0, 0);
    t.subscribe(5, "a/level-longer-than-eight/#", 0, 0);
    const who = (name: string) => Array.from({ length: t.match(name, -1) }, (_, k) => t.matchSubscriber(k)).sort();
    expect(who("a/level-longer-than-eight/b/c")).toEqual([1, 3, 5]);
    expect(who("a/level-longer-than-eight")).toEqual([2, 5]);
    expect(who("a/level-longer-than-eight/b/c/d/e")).toEqual([4, 5]);
    expect(who("a/level-longer-than-eight/b")).toEqual([5]);
    expect(who("a/level-longer-than-eightX/b/c")).toEqual([3]);
    expect(t.unsubscribe(2, "a/level-longer-than-eight")).toBe(true);
    expect(t.unsubscribe(1, "a/level-longer-than-eight/b/c")).toBe(true);
    expect(who("a/level-longer-than-eight/b/c/d/e")).toEqual([4, 5]);
    expect(t.unsubscribe(1, "a/level-longer-than-eight/b")).toBe(false);
  });

  it("emptying the index of deep filters gives back what filling it took", () => {
    const core = new Core();
    const t = new TopicIndex(core);
    const random = rng(7);
    const filters = pool(random, 2000, deepFilter);
    const tops: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < filters.length; i++) t.subscribe(i, filters[i]!, 0, 0);
      for (let i = filters.length - 1; i >= 0; i--) expect(t.unsubscribe(i, filters[i]!)).toBe(true);
      expect(t.subscriptionCount).toBe(0);
      tops.push(core.header(H_HEAP_TOP));
    }
    expect(tops[1]).toBe(tops[0]);
  });
});
