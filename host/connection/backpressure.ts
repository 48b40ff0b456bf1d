// Flow control from slow readers back to fast writers: while some connection has more than
// PRESSURE_BYTES queued in its transport, connections that send us data stop being read (after the
// chunk in hand), until it drains. A reader that stays behind longer than MAX_HOLD_MS is let go
// (marked slow: it holds nobody back until it drains, and its QoS 0 messages may be dropped).

/** A connection as flow control sees it: something whose reading can be held. */
export interface Holdable {
  /** Stop or restart reading (an async hook's pause is kept). */
  holdReading(hold: boolean): void;
}

/** Queued transport bytes above which a connection holds back the others. */
export const PRESSURE_BYTES = 1 << 20;
const MAX_HOLD_MS = 1000;
/** After a reader was let go, newly pressing readers count as slow at once for this long: readers that never
 *  read, joining one after another, would otherwise hold every writer back nearly all the time. */
const QUIET_MS = 4 * MAX_HOLD_MS;

export class Backpressure {
  private readonly pressing = new Map<Holdable, NodeJS.Timeout>();
  private readonly held = new Set<Holdable>();
  private readonly slow = new Set<Holdable>();
  private quietUntil = 0;

  get active(): boolean {
    return this.pressing.size > 0;
  }

  isSlow(connection: Holdable): boolean {
    return this.slow.has(connection);
  }

  /** `connection` has too much queued: hold the writers back. */
  press(connection: Holdable): void {
    if (this.pressing.has(connection) || this.slow.has(connection)) return;
    if (Date.now() < this.quietUntil) {
      this.slow.add(connection);
      return;
    }
    if (this.held.delete(connection)) connection.holdReading(false); // its acknowledgements are what drains it
    this.pressing.set(connection, setTimeout(() => {
      this.quietUntil = Date.now() + QUIET_MS;
      this.slow.add(connection);
      this.release(connection);
    }, MAX_HOLD_MS));
  }

  /** `connection` drained (or closed): when nobody presses any more, the held connections read again. */
  release(connection: Holdable): void {
    const timer = this.pressing.get(connection);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pressing.delete(connection);
    if (this.pressing.size > 0) return;
    for (const held of this.held) held.holdReading(false);
    this.held.clear();
  }

  drained(connection: Holdable): void {
    this.slow.delete(connection);
    this.release(connection);
  }

  /** Called after a connection's chunk was handled: stop reading it while someone presses. */
  hold(connection: Holdable): void {
    if (this.pressing.size === 0 || this.pressing.has(connection) || this.held.has(connection)) return;
    this.held.add(connection);
    connection.holdReading(true);
  }

  forget(connection: Holdable): void {
    this.slow.delete(connection);
    this.held.delete(connection);
    this.release(connection);
  }

  /** Broker close: timers off. */
  stop(): void {
    for (const timer of this.pressing.values()) clearTimeout(timer);
    this.pressing.clear();
    this.held.clear();
  }
}
