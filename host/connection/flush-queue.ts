// Connections with writes queued this tick, flushed together by one microtask: one scheduling per batch of
// work (a fan-out to 1,000 clients queues one microtask, not 1,000 nextTicks) and nothing per connection.

/** What the queue flushes. */
export interface Flushable {
  flush(): void;
}

const pending: Flushable[] = [];
let scheduled = false;

/** Flushes `target` once the current work is done (call once per tick per target). */
export function scheduleFlush(target: Flushable): void {
  pending.push(target);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(flushAll);
  }
}

function flushAll(): void {
  try {
    for (let i = 0; i < pending.length; i++) pending[i]!.flush(); // targets queued meanwhile are flushed in this pass
  } finally {
    pending.length = 0;
    scheduled = false;
  }
}
