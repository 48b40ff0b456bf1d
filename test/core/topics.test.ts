import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { TopicIndex } from "../../host/core/topics.ts";
import { MATCH_RAP_BIT, MATCH_SHARED_BIT } from "../../host/core/layout.ts";

// The rules of MQTT 4.7 (topic names and filters) and 4.8.2 (shared subscriptions) on the core's trie.
function index(): TopicIndex {
  return new TopicIndex(new Core());
}

function recipients(t: TopicIndex, topicName: string, publisherId = -1): number[] {
  const n = t.match(topicName, publisherId);
  return Array.from({ length: n }, (_, k) => t.matchSubscriber(k)).sort((a, b) => a - b);
}

function matchesOne(topicFilter: string, topicName: string): boolean {
  const t = index();
  expect(t.subscribe(1, topicFilter, 0, 0)).toBe(0);
  return recipients(t, topicName).length === 1;
}

describe("topic names and filters (4.7)", () => {
  it("v3.1.1 [MQTT-4.7.1-1] v5 [MQTT-4.7.0-1] wildcards are not allowed in a Topic Name", () => {
    const t = index();
    expect(t.checkTopicName("a/+")).toBe(-0x90);
    expect(t.checkTopicName("a/#")).toBe(-0x90);
    expect(t.checkTopicName("a/b")).toBe(0);
  });

  it("v3.1.1 [MQTT-4.7.1-2] v5 [MQTT-4.7.1-1] `#` must be the last character and a whole level", () => {
    const t = index();
    for (const bad of ["a/#/b", "a#", "a/b#", "#/", "##"]) expect(t.checkTopicFilter(bad), bad).toBe(-0x8f);
    for (const good of ["#", "a/#", "/#"]) expect(t.checkTopicFilter(good), good).toBe(0);
    expect(t.subscribe(1, "a/#/b", 0, 0)).toBe(-0x8f);
    expect(matchesOne("sport/tennis/#", "sport/tennis/player1/ranking")).toBe(true);
    expect(matchesOne("sport/#", "sport")).toBe(true);
  });

  it("v3.1.1 [MQTT-4.7.1-3] v5 [MQTT-4.7.1-2] `+` must occupy a whole level and matches exactly one level", () => {
    const t = index();
    for (const bad of ["a+", "a/+b", "+a/b", "++"]) expect(t.checkTopicFilter(bad), bad).toBe(-0x8f);
    for (const good of ["+", "+/+", "/+", "a/+/b"]) expect(t.checkTopicFilter(good), good).toBe(0);
    expect(matchesOne("sport/tennis/+", "sport/tennis/player1")).toBe(true);
    expect(matchesOne("sport/tennis/+", "sport/tennis/player1/ranking")).toBe(false);
    expect(matchesOne("sport/+", "sport")).toBe(false);
    expect(matchesOne("sport/+", "sport/")).toBe(true);
    expect(matchesOne("+/+", "/finance")).toBe(true);
    expect(matchesOne("/+", "/finance")).toBe(true);
    expect(matchesOne("+", "/finance")).toBe(false);
  });

  it("[MQTT-4.7.2-1] a filter starting with a wildcard does not match a Topic Name starting with $", () => {
    expect(matchesOne("#", "$SYS/broker")).toBe(false);
    expect(matchesOne("+/monitor/Clients", "$SYS/monitor/Clients")).toBe(false);
    expect(matchesOne("$SYS/#", "$SYS/monitor/Clients")).toBe(true);
    expect(matchesOne("$SYS/monitor/+", "$SYS/monitor/Clients")).toBe(true);
    expect(matchesOne("a/+", "a/$b")).toBe(true);
  });

  it("[MQTT-4.7.3-1] topic names and filters are at least one character long", () => {
    const t = index();
    expect(t.checkTopicName("")).toBe(-0x90);
    expect(t.checkTopicFilter("")).toBe(-0x8f);
    expect(t.subscribe(1, "", 0, 0)).toBe(-0x8f);
  });

  it("[MQTT-4.7.3-2] topic names and filters must not include U+0000", () => {
    const t = index();
    expect(t.checkTopicName("a\u0000b")).toBe(-0x90);
    expect(t.checkTopicFilter("a/\u0000")).toBe(-0x8f);
  });

  it("levels are case-sensitive, empty levels are levels, and a name can be 65,535 bytes of many levels", () => {
    expect(matchesOne("ACCOUNTS", "Accounts")).toBe(false);
    expect(matchesOne("a//b", "a//b")).toBe(true);
    expect(matchesOne("a/+/b", "a//b")).toBe(true);
    expect(matchesOne("/", "/")).toBe(true);
    const long = Array.from({ length: 32767 }, () => "x").join("/") + "/y";
    expect(Buffer.byteLength(long)).toBe(65535);
    expect(index().checkTopicName(long)).toBe(0);
    expect(matchesOne(long, long)).toBe(true);
    expect(matchesOne("x/#", long)).toBe(true);
    expect(matchesOne(long.replace(/x/g, "+"), long)).toBe(true);
  });

  it("v5 [MQTT-4.8.2-1] a shared subscription needs a ShareName of at least one character", () => {
    const t = index();
    expect(t.subscribe(1, "$share//a", 0, 0)).toBe(-0x8f);
    expect(t.checkTopicFilter("$share/g/a")).toBe(0);
  });

  it("v5 [MQTT-4.8.2-2] the ShareName has no `/`, `+`, `#` and is followed by `/` and a Topic Filter", () => {
    const t = index();
    for (const bad of ["$share/g", "$share/g/", "$share/g+/a", "$share/#/a", "$share/g/a#"]) {
      expect(t.subscribe(1, bad, 0, 0), bad).toBe(-0x8f);
    }
    expect(t.subscriptionCount).toBe(0);
  });
});

describe("subscriptions in the trie", () => {
  it("subscribe adds then replaces; unsubscribe removes once", () => {
    const t = index();
    expect(t.subscribe(3, "a/b", 1, 0)).toBe(0);
    expect(t.subscribe(3, "a/b", 2, 0)).toBe(1);
    expect(t.subscriptionCount).toBe(1);
    expect(t.match("a/b", -1)).toBe(1);
    expect(t.matchOptions(0) & 3).toBe(2);
    expect(t.unsubscribe(3, "a/b")).toBe(true);
    expect(t.unsubscribe(3, "a/b")).toBe(false);
    expect(t.match("a/b", -1)).toBe(0);
  });

  it("overlapping subscriptions give one entry: highest QoS, RAP if any, every subscription identifier", () => {
    const t = index();
    t.subscribe(7, "a/+", 0, 11);
    t.subscribe(7, "a/#", 2 | MATCH_RAP_BIT, 12);
    t.subscribe(7, "a/b", 1, 0);
    t.subscribe(8, "a/b", 1, 5);
    expect(t.match("a/b", -1)).toBe(2);
    const k = t.matchSubscriber(0) === 7 ? 0 : 1;
    expect(t.matchOptions(k)).toBe(2 | MATCH_RAP_BIT);
    expect(t.matchSubscriptionIds(k).sort()).toEqual([11, 12]);
    expect(t.matchSubscriptionIds(1 - k)).toEqual([5]);
  });

  it("overlaps merge the same way in small and large matches (a member of a shared group is its own entry)", () => {
    for (const subscribers of [3, 8, 9, 40]) {
      const t = index();
      t.subscribe(0, "$share/g/a/b", 1, 0);
      for (let s = 0; s < subscribers; s++) {
        t.subscribe(s, "a/b", 0, 0);
        t.subscribe(s, "a/+", s % 3, s + 1);
        t.subscribe(s, "a/#", 0, 0);
      }
      const n = t.match("a/b", -1);
      expect(n).toBe(subscribers + 1);
      const plain = Array.from({ length: n }, (_, k) => k).filter((k) => !(t.matchOptions(k) & MATCH_SHARED_BIT));
      expect(plain.map((k) => t.matchSubscriber(k)).sort((a, b) => a - b)).toEqual(Array.from({ length: subscribers }, (_, s) => s));
      for (const k of plain) {
        const s = t.matchSubscriber(k);
        expect(t.matchOptions(k)).toBe(s % 3);
        expect(t.matchSubscriptionIds(k)).toEqual([s + 1]);
      }
    }
  });

  it("v5 [MQTT-3.8.3-3] a no-local subscription does not receive its own publications", () => {
    const t = index();
    t.subscribe(1, "a", 0x04, 0);
    t.subscribe(2, "a", 0, 0);
    expect(recipients(t, "a", 1)).toEqual([2]);
    expect(recipients(t, "a", 2)).toEqual([1, 2]);
  });

  it("a shared group delivers each message to one member, round-robin, beside plain subscriptions", () => {
    const t = index();
    for (const id of [1, 2, 3]) t.subscribe(id, "$share/g/s/+", 1, 0);
    t.subscribe(9, "$share/h/s/#", 0, 0);
    t.subscribe(4, "s/x", 0, 0);
    const got: number[] = [];
    for (let i = 0; i < 6; i++) {
      const n = t.match("s/x", -1);
      expect(n).toBe(3);
      const shared = Array.from({ length: n }, (_, k) => k).filter((k) => t.matchOptions(k) & MATCH_SHARED_BIT);
      expect(shared.length).toBe(2);
      got.push(...shared.map((k) => t.matchSubscriber(k)).filter((s) => s !== 9));
    }
    expect(got.slice(0, 3).sort()).toEqual([1, 2, 3]);
    expect(got.slice(3).sort()).toEqual([1, 2, 3]);
    expect(t.unsubscribe(2, "$share/g/s/+")).toBe(true);
    const left = new Set<number>();
    for (let i = 0; i < 4; i++) { t.match("s/x", -1); for (let k = 0; k < 3; k++) left.add(t.matchSubscriber(k)); }
    expect([...left].sort()).toEqual([1, 3, 4, 9]);
  });
});
