// One timer for every connection's CONNECT timeout and keep-alive: a wheel of TICK_MS slots, one interval,
// instead of a setTimeout per connection. A packet only stamps its connection (`timeoutBase = wheel.tick`);
// when a slot comes round, each connection in it either times out or is filed again by its current deadline.

/** Wheel resolution: a timeout fires at most this late (never early). */
export const TICK_MS = 250;
/** Slots in the wheel (a power of two): deadlines further ahead are filed in the last slot and re-filed. */
const SLOTS = 256;
const MASK = SLOTS - 1;
/** wheelSlot of an entry in the batch being handled by advance(). */
const DETACHED = -2;

/** What the wheel times: due at tick `timeoutBase + timeoutTicks`. */
export interface Timed {
  timeoutBase: number;
  timeoutTicks: number;
  /** Slot the entry is filed in, -1 when not filed (the wheel's bookkeeping). */
  wheelSlot: number;
  wheelIndex: number;
  onTimeout(): void;
}

export class TimerWheel {
  /** Ticks since the wheel started; the clock of timeoutBase. */
  tick = 0;
  private readonly slots: Timed[][] = Array.from({ length: SLOTS }, () => []);
  private interval: NodeJS.Timeout | undefined;

  /** Ticks covering `ms` at least, counted from a stamp up to one tick old. */
  ticksFor(ms: number): number {
    return Math.ceil(ms / TICK_MS) + 1;
  }

  /** Files `entry` (again) by its deadline. */
  schedule(entry: Timed): void {
    this.cancel(entry);
    this.file(entry);
    if (this.interval === undefined) {
      this.interval = setInterval(() => this.advance(), TICK_MS);
      this.interval.unref();
    }
  }

  cancel(entry: Timed): void {
    const slot = entry.wheelSlot;
    if (slot === -1) return;
    entry.wheelSlot = -1;
    if (slot === DETACHED) return;
    const list = this.slots[slot]!;
    const last = list.pop()!;
    if (last !== entry) {
      list[entry.wheelIndex] = last;
      last.wheelIndex = entry.wheelIndex;
    }
  }

  /** Broker close: the interval off (it runs, unref'd, from the first schedule until then). */
  stop(): void {
    clearInterval(this.interval);
    this.interval = undefined;
  }

  private file(entry: Timed): void {
    const due = Math.min(Math.max(entry.timeoutBase + entry.timeoutTicks, this.tick + 1), this.tick + MASK);
    const slot = due & MASK;
    const list = this.slots[slot]!;
    entry.wheelSlot = slot;
    entry.wheelIndex = list.length;
    list.push(entry);
  }

  private advance(): void {
    const tick = ++this.tick;
    const slot = tick & MASK;
    const batch = this.slots[slot]!;
    if (batch.length === 0) return;
    this.slots[slot] = [];
    for (let i = 0; i < batch.length; i++) batch[i]!.wheelSlot = DETACHED;
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i]!;
      if (entry.wheelSlot !== DETACHED) continue; // cancelled by an earlier timeout of this batch
      if (entry.timeoutBase + entry.timeoutTicks > tick) {
        this.file(entry);
        continue;
      }
      entry.wheelSlot = -1;
      entry.onTimeout();
    }
  }
}
