import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { TopicIndex } from "../../host/core/topics.ts";
import { matches } from "../oracle/matches.ts";
import { rng, pool, randomName, randomFilter } from "../oracle/random.ts";

// The retained index (stored Topic Names matched by a filter) against a plain map and the oracle.
describe("retained index vs oracle", () => {
  it("[MQTT-4.7.2-1] `#` and `+` at the start do not list `$` topics; `a/#` lists `a`", () => {
    const t = new TopicIndex(new Core());
    t.retainedSet("$SYS/x", 1);
    t.retainedSet("a", 2);
    t.retainedSet("a/b", 3);
    t.retainedSet("A/b", 4);
    expect(t.retainedMatch("#").sort()).toEqual([2, 3, 4]);
    expect(t.retainedMatch("+/b").sort()).toEqual([3, 4]);
    expect(t.retainedMatch("$SYS/#")).toEqual([1]);
    expect(t.retainedMatch("a/#").sort()).toEqual([2, 3]);
    expect(t.retainedMatch("a/+")).toEqual([3]);
    expect(t.retainedSet("a", 9)).toBe(2);
    expect(t.retainedDelete("a")).toBe(9);
    expect(t.retainedDelete("a")).toBe(-1);
    expect(t.retainedSet("a/+", 5)).toBe(-0x90);
    expect(t.retainedMatch("a/#/b")).toEqual([]);
  });

  it("agrees on 200k random set, delete and match operations", () => {
    const random = rng(0xbeef);
    const names = pool(random, 400, randomName);
    const filters = pool(random, 200, randomFilter);
    const hit = names.map((n) => filters.map((f) => matches(n, f)));
    const model = new Map<number, number>(); // name index -> retainedId
    let failure = "";
    let checked = 0;
    for (let op = 0; op < 200_000 && !failure; op++) {
      const r = random();
      if (r < 0.35) {
        const ni = Math.floor(random() * names.length);
        const id = Math.floor(random() * 1_000_000);
        const got = t().retainedSet(names[ni]!, id);
        if (got !== (model.get(ni) ?? -1)) failure = `set ${names[ni]}: ${got}`;
        model.set(ni, id);
      } else if (r < 0.6) {
        const ni = Math.floor(random() * names.length);
        const got = t().retainedDelete(names[ni]!);
        if (got !== (model.get(ni) ?? -1)) failure = `delete ${names[ni]}: ${got}`;
        model.delete(ni);
      } else {
        const fi = Math.floor(random() * filters.length);
        const filter = filters[fi]!;
        const got = t().retainedMatch(filter).sort((a, b) => a - b);
        const expected: number[] = [];
        for (const [ni, id] of model) if (hit[ni]![fi]) expected.push(id);
        expected.sort((a, b) => a - b);
        if (got.join() !== expected.join()) failure = `match ${filter}: ${got} vs ${expected}`;
        checked++;
      }
      if (t().retainedCount !== model.size) failure = `count ${t().retainedCount} vs ${model.size}`;
    }
    expect(failure).toBe("");
    expect(checked).toBeGreaterThan(70_000);
  });
});

let shared: TopicIndex | undefined;
function t(): TopicIndex {
  shared ??= new TopicIndex(new Core());
  return shared;
}
