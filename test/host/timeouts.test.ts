// The timer wheel behind CONNECT timeouts and keep-alive: entries fire once their deadline passes,
// cancelled ones never, a refreshed stamp moves the deadline, and cancelling mid-batch is safe.
import { afterEach, describe, expect, it } from "vitest";
import { TICK_MS, TimerWheel, type Deadline } from "../../host/connection/timeouts.ts";

function entry(wheel: TimerWheel, ms: number, fired: string[], name: string, onTimeout?: () => void): Deadline & { ms: number } {
  const deadline = wheel.deadline({ onTimeout: onTimeout ?? (() => fired.push(name)) });
  return Object.assign(deadline, { ms });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("TimerWheel", () => {
  const wheel = new TimerWheel();
  afterEach(() => wheel.stop());

  it("fires an entry once, and a cancelled one never", async () => {
    const fired: string[] = [];
    const a = entry(wheel, 300, fired, "a");
    const b = entry(wheel, 300, fired, "b");
    a.start(a.ms);
    b.start(b.ms);
    b.cancel();
    while (fired.length === 0) await sleep(TICK_MS);
    await sleep(3 * TICK_MS);
    expect(fired).toEqual(["a"]);
    expect(a.scheduled).toBe(false);
  });

  it("a refreshed stamp moves the deadline; entries far ahead are re-filed until due", async () => {
    const fired: string[] = [];
    const kept = entry(wheel, 2 * TICK_MS, fired, "kept");
    const plain = entry(wheel, 2 * TICK_MS, fired, "plain");
    const late = entry(wheel, 10 * TICK_MS, fired, "late");
    kept.start(kept.ms);
    plain.start(plain.ms);
    late.start(late.ms);
    for (let i = 0; i < 6; i++) {
      kept.touch();
      await sleep(TICK_MS);
    }
    expect(fired).toEqual(["plain"]);
    while (fired.length < 3) await sleep(TICK_MS);
    expect(fired).toEqual(["plain", "kept", "late"]);
  });

  it("an entry cancelled by another's timeout in the same slot does not fire", async () => {
    const fired: string[] = [];
    const victim = entry(wheel, TICK_MS, fired, "victim");
    const first = entry(wheel, TICK_MS, fired, "first", () => { fired.push("first"); victim.cancel(); });
    first.start(first.ms);
    victim.start(victim.ms);
    while (fired.length === 0) await sleep(TICK_MS);
    await sleep(3 * TICK_MS);
    expect(fired).toEqual(["first"]);
    expect(victim.scheduled).toBe(false);
  });
});
