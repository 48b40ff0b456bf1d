// Connections with writes queued, flushed together once the current work is done: at the end of the transport read
// that queued them (a read that forwards one message writes it before returning, as a plain node:net forwarder does),
// or, for writes queued elsewhere (timers, hooks settling, the in-process API), by one microtask. One flush per
// target per batch of work: a fan-out to 1,000 clients flushes each once, and nothing is scheduled per connection.

/** What the queue flushes. */
export interface Flushable {
  flush(): void;
}

/** pending[0, count): the queue. Its length is never set back (a length store is a runtime call): entries are cleared. */
const pending: Array<Flushable | undefined> = [];
let count = 0;
let scheduled = false;
/** Reads in progress (nested when a read's work delivers into another transport synchronously). */
let reading = 0;

/** Flushes `target` once the current work is done (call once per tick per target). */
export function scheduleFlush(target: Flushable): void {
  pending[count++] = target;
  if (!scheduled && reading === 0) {
    scheduled = true;
    queueMicrotask(flushAll);
  }
}

/** A transport read begins: what it queues is flushed by readDone(), not by a microtask. */
export function readBegins(): void {
  reading++;
}

/** The read that readBegins() opened is done: flushes what was queued, when no outer read is still going. */
export function readDone(): void {
  if (--reading === 0 && count > 0) flushAll();
}

function flushAll(): void {
  try {
    for (let i = 0; i < count; i++) pending[i]!.flush(); // targets queued meanwhile are flushed in this pass
  } finally {
    for (let k = 0; k < count; k++) pending[k] = undefined;
    count = 0;
    scheduled = false;
  }
}
