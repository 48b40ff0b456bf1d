// LongTimer (host/session/long-timer.ts): delays past setTimeout's 2^31-1 ms limit, driven by fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LongTimer, MAX_TIMEOUT_MS } from "../../host/session/long-timer.ts";

const DAY = 86_400_000;

describe("LongTimer", () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it("waits the whole of a 30-day delay, beyond one setTimeout's limit", () => {
    let fired = 0;
    const timer = new LongTimer(() => fired++);
    timer.start(30 * 86_400);
    vi.advanceTimersByTime(MAX_TIMEOUT_MS + 1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(29 * DAY - MAX_TIMEOUT_MS - 1);
    expect(fired).toBe(0);
    expect(timer.running).toBe(true);
    vi.advanceTimersByTime(DAY);
    expect(fired).toBe(1);
    expect(timer.running).toBe(false);
  });

  it("fires a short delay once, on time", () => {
    let fired = 0;
    const timer = new LongTimer(() => fired++);
    timer.start(2);
    vi.advanceTimersByTime(1999);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(fired).toBe(1);
  });

  it("never fires once cancelled, and a restart replaces the earlier deadline", () => {
    let fired = 0;
    const timer = new LongTimer(() => fired++);
    timer.start(0xfffffffe);
    vi.advanceTimersByTime(MAX_TIMEOUT_MS * 2);
    timer.cancel();
    vi.advanceTimersByTime(0xfffffffe * 1000);
    expect(fired).toBe(0);
    timer.start(5);
    timer.start(60);
    vi.advanceTimersByTime(59_999);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
  });
});
