import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { TopicIndex } from "../../host/core/topics.ts";
import { MATCH_OUT_WORDS, MATCH_WORDS } from "../../host/core/layout.ts";

// MATCH_OUT's fixed region holds MATCH_OUT_WORDS words; a match with more recipients (or retained
// matches) than that moves it to a larger block instead of dropping any.
const FIXED_ENTRIES = MATCH_OUT_WORDS / MATCH_WORDS;

describe("a match with more recipients than MATCH_OUT's fixed region holds", () => {
  it("delivers every one of them once, with its subscription identifier", () => {
    const topics = new TopicIndex(new Core());
    const n = FIXED_ENTRIES + 40_000;
    let added = 0;
    for (let id = 0; id < n; id++) if (topics.subscribe(id, id % 2 === 0 ? "fan/out" : "fan/+", 1, id + 1) === 0) added++;
    expect(added).toBe(n);
    for (let round = 0; round < 2; round++) { // the second match reuses the grown region
      expect(topics.match("fan/out", -1)).toBe(n);
      const seen = new Uint8Array(n);
      let wrong = 0;
      for (let k = 0; k < n; k++) {
        const id = topics.matchSubscriber(k);
        seen[id]!++;
        const ids = topics.matchSubscriptionIds(k);
        if ((topics.matchOptions(k) & 3) !== 1 || ids.length !== 1 || ids[0] !== id + 1) wrong++;
      }
      expect(wrong).toBe(0);
      expect(seen.every((c) => c === 1)).toBe(true);
    }
    expect(topics.match("fan/in", -1)).toBe(n / 2); // only `fan/+`, from the moved region
  });

  it("merges overlaps and keeps shared groups beyond the fixed region", () => {
    const topics = new TopicIndex(new Core());
    const n = FIXED_ENTRIES + 1000;
    for (let id = 0; id < n; id++) {
      topics.subscribe(id, "big/#", 0, 0);
      topics.subscribe(id, "big/t", 2, 0);
    }
    topics.subscribe(n, "$share/g/big/t", 1, 0);
    topics.subscribe(n + 1, "$share/g/big/t", 1, 0);
    const count = topics.match("big/t", -1);
    expect(count).toBe(n + 1);
    let shared = 0, merged = 0;
    for (let k = 0; k < count; k++) {
      if (topics.matchSubscriber(k) >= n) shared++;
      else if ((topics.matchOptions(k) & 3) === 2) merged++;
    }
    expect(shared).toBe(1);
    expect(merged).toBe(n);
  });

  it("retainedMatch lists more retained messages than the fixed region holds", () => {
    const topics = new TopicIndex(new Core());
    const n = MATCH_OUT_WORDS + 1000;
    for (let id = 0; id < n; id++) topics.retainedSet(`r/${id}`, id);
    const ids = topics.retainedMatch("r/+");
    expect(ids.length).toBe(n);
    expect(new Set(ids).size).toBe(n);
  });
});
