import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { TopicIndex } from "../../host/core/topics.ts";
import { H_HEAP_TOP } from "../../host/core/layout.ts";

// Freed nodes, subscriptions and level bytes are reused: repeated fill-and-empty cycles stop growing the heap.
describe("topics memory", () => {
  it("subscribing and unsubscribing 100k filters repeatedly leaves the heap top where the first round left it", () => {
    const core = new Core();
    const t = new TopicIndex(core);
    const filter = (i: number) =>
      i % 10 === 0 ? `$share/g${i % 7}/site/${i % 97}/+/long-level-name-${i}` :
      i % 3 === 0 ? `site/${i % 97}/+/dev${i}/#` : `site/${i % 97}/room${i % 13}/device-with-long-name-${i}`;
    const tops: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100_000; i++) t.subscribe(i % 5000, filter(i), 1, i & 0xffff);
      expect(t.subscriptionCount).toBe(100_000);
      expect(t.match("site/5/room5/device-with-long-name-5", -1)).toBeGreaterThan(0);
      for (let i = 0; i < 100_000; i++) t.retainedSet(`site/${i % 97}/retained-${i}`, i);
      expect(t.retainedMatch("site/3/#").length).toBeGreaterThan(1000);
      let deleted = 0;
      for (let i = 0; i < 100_000; i++) if (t.retainedDelete(`site/${i % 97}/retained-${i}`) === i) deleted++;
      expect(deleted).toBe(100_000);
      for (let i = 0; i < 100_000; i++) t.unsubscribe(i % 5000, filter(i));
      expect(t.subscriptionCount).toBe(0);
      expect(t.match("site/5/room5/device-with-long-name-5", -1)).toBe(0);
      tops.push(core.header(H_HEAP_TOP));
    }
    expect(tops[1]).toBe(tops[0]);
    expect(tops[2]).toBe(tops[0]);
  });
});
