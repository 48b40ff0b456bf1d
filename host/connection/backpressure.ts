// Flow control from slow readers back to the writers that feed them alone: a reader with more than PRESSURE_BYTES
// queued in its transport (or a long session queue) is behind; a connection whose last chunk went only to readers
// that are behind (routing/reach.ts) stops being read until that reader drains. A reader behind for longer than
// MAX_HOLD_MS is let go (marked slow: it holds nobody back until it drains; its QoS 0 messages past its cap and its
// QoS 1/2 past the queue caps are dropped). A writer whose messages also reach a reader that keeps up is never held.

/** A connection as flow control sees it: something whose reading can be held. */
export interface Holdable {
  /** Stop or restart reading (an async hook's pause is kept). */
  holdReading(hold: boolean): void;
}

/** A session queue's length and bytes, and the caps they are measured against (BrokerOptions). */
interface QueueSize { readonly length: number; readonly bytes: number }
interface QueueCaps { readonly maxQueuedMessages: number; readonly maxQueuedBytes: number }

/** Queued transport bytes above which a connection is behind. */
export const PRESSURE_BYTES = 1 << 20;
const MAX_HOLD_MS = 1000;

/** One reader that is behind: its let-go timer, and the writers held until it drains. */
interface Behind {
  timer: NodeJS.Timeout;
  held: Holdable[];
}

export class Backpressure {
  private readonly behind = new Map<object, Behind>();
  /** Each held writer and the reader it waits for. */
  private readonly held = new Map<Holdable, object>();
  private readonly slow = new Set<object>();

  /** Some reader is behind. */
  get active(): boolean {
    return this.behind.size > 0;
  }

  isSlow(connection: object): boolean {
    return this.slow.size > 0 && this.slow.has(connection);
  }

  /** `connection` is behind and not let go: a writer feeding it alone waits for it. */
  isBehind(connection: object): boolean {
    return this.behind.size > 0 && this.behind.has(connection);
  }

  /** `connection` has too much queued: writers that feed it alone will wait. */
  press(connection: Holdable): void {
    if (this.behind.has(connection) || this.slow.has(connection)) return;
    if (this.held.delete(connection)) connection.holdReading(false); // its acknowledgements are what drains it
    this.behind.set(connection, { timer: setTimeout(letGo, MAX_HOLD_MS, this, connection), held: [] });
  }

  /** Behind for too long (MAX_HOLD_MS), or fed by a writer that also feeds readers that keep up: the reader is
   *  slow, its writers go on. */
  letGo(connection: object): void {
    if (!this.behind.has(connection)) return;
    this.slow.add(connection);
    this.release(connection);
  }

  /** `connection` drained (or closed, or was let go): the writers waiting for it read again. */
  release(connection: object): void {
    const behind = this.behind.get(connection);
    if (behind === undefined) return;
    clearTimeout(behind.timer);
    this.behind.delete(connection);
    for (const writer of behind.held) {
      if (this.held.get(writer) !== connection) continue; // read again since, or now waiting for another reader
      this.held.delete(writer);
      writer.holdReading(false);
    }
  }

  /** `connection`'s transport holds no more than PRESSURE_BYTES and its session queue is under a quarter of its caps
   *  again: the writers waiting for it read again. */
  relieve(connection: object, transportBytes: number, queue: QueueSize | undefined, caps: QueueCaps): void {
    if (transportBytes > PRESSURE_BYTES) return;
    if (queue !== undefined && (queue.length > caps.maxQueuedMessages >> 2 || queue.bytes > caps.maxQueuedBytes / 4)) return;
    this.drained(connection);
  }

  drained(connection: object): void {
    this.slow.delete(connection);
    this.release(connection);
  }

  /** Called after `writer`'s chunk was handled, when all it published went to readers that are behind, `reader`
   *  one of them: stop reading `writer` until `reader` drains or is let go. */
  hold(writer: Holdable, reader: object): void {
    const behind = this.behind.get(reader);
    if (behind === undefined || this.behind.has(writer) || this.held.has(writer)) return;
    this.held.set(writer, reader);
    behind.held.push(writer);
    writer.holdReading(true);
  }

  forget(connection: Holdable): void {
    this.slow.delete(connection);
    this.held.delete(connection);
    this.release(connection);
  }

  /** Broker close: timers off. */
  stop(): void {
    for (const behind of this.behind.values()) clearTimeout(behind.timer);
    this.behind.clear();
    this.held.clear();
  }
}

function letGo(backpressure: Backpressure, connection: object): void {
  backpressure.letGo(connection);
}
