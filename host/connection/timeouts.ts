// One timer for every connection's CONNECT timeout and keep-alive: a wheel of TICK_MS slots, one interval,
// instead of a setTimeout per connection. Each connection holds a Deadline the wheel made and alone writes; a packet
// only touches it (the stamp moves); when a slot comes round, each entry in it either times out or is filed again.

/** Wheel resolution: a timeout fires at most this late (never early). */
export const TICK_MS = 250;
/** Slots in the wheel (a power of two): deadlines further ahead are filed in the last slot and re-filed. */
const SLOTS = 256;
const MASK = SLOTS - 1;
/** slot of an entry in the batch being handled by advance(). */
const DETACHED = -2;

/** What a deadline calls once it has passed. */
export interface Timed {
  onTimeout(): void;
}

/** One owner's deadline on the wheel. */
export interface Deadline {
  /** (Re)starts it: due `ms` from now. */
  start(ms: number): void;
  /** Activity: due the same span from now as when last started (re-filed lazily when its slot comes round). */
  touch(): void;
  cancel(): void;
  /** Filed on the wheel (started, not yet fired or cancelled). */
  readonly scheduled: boolean;
}

/** A Deadline and the wheel's bookkeeping of it: not exported, so only this file writes these fields. */
class Entry implements Deadline {
  /** Due at tick `base + ticks`. */
  base = 0;
  ticks = 0;
  /** Slot the entry is filed in, -1 when not filed, and its index in that slot. */
  slot = -1;
  index = 0;

  constructor(private readonly wheel: TimerWheel, readonly owner: Timed) {}

  start(ms: number): void {
    this.base = this.wheel.tick;
    this.ticks = this.wheel.ticksFor(ms);
    this.wheel.schedule(this);
  }

  touch(): void {
    this.base = this.wheel.tick;
  }

  cancel(): void {
    this.wheel.unfile(this);
  }

  get scheduled(): boolean {
    return this.slot !== -1;
  }
}

export class TimerWheel {
  /** Ticks since the wheel started. */
  private now = 0;
  private readonly slots: Entry[][] = Array.from({ length: SLOTS }, () => []);
  private interval: NodeJS.Timeout | undefined;

  get tick(): number {
    return this.now;
  }

  /** A deadline for `owner`, not yet started. */
  deadline(owner: Timed): Deadline {
    return new Entry(this, owner);
  }

  /** Ticks covering `ms` at least, counted from a stamp up to one tick old. */
  ticksFor(ms: number): number {
    return Math.ceil(ms / TICK_MS) + 1;
  }

  /** Files a deadline (again) by its due tick (Deadline.start). */
  schedule(deadline: Deadline): void {
    const entry = deadline as Entry;
    this.unfile(entry);
    this.file(entry);
    if (this.interval === undefined) {
      this.interval = setInterval(() => this.advance(), TICK_MS);
      this.interval.unref();
    }
  }

  /** Takes a deadline off the wheel (Deadline.cancel). */
  unfile(deadline: Deadline): void {
    const entry = deadline as Entry;
    const slot = entry.slot;
    if (slot === -1) return;
    entry.slot = -1;
    if (slot === DETACHED) return;
    const list = this.slots[slot]!;
    const last = list.pop()!;
    if (last !== entry) {
      list[entry.index] = last;
      last.index = entry.index;
    }
  }

  /** Broker close: the interval off (it runs, unref'd, from the first schedule until then). */
  stop(): void {
    clearInterval(this.interval);
    this.interval = undefined;
  }

  private file(entry: Entry): void {
    const due = Math.min(Math.max(entry.base + entry.ticks, this.now + 1), this.now + MASK);
    const slot = due & MASK;
    const list = this.slots[slot]!;
    entry.slot = slot;
    entry.index = list.length;
    list.push(entry);
  }

  private advance(): void {
    const tick = ++this.now;
    const slot = tick & MASK;
    const batch = this.slots[slot]!;
    if (batch.length === 0) return;
    this.slots[slot] = [];
    for (let i = 0; i < batch.length; i++) batch[i]!.slot = DETACHED;
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i]!;
      if (entry.slot !== DETACHED) continue; // cancelled by an earlier timeout of this batch
      if (entry.base + entry.ticks > tick) {
        this.file(entry);
        continue;
      }
      entry.slot = -1;
      entry.owner.onTimeout();
    }
  }
}
