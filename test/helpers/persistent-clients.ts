// Clients for the durability tests: a publisher that keeps a window of QoS 1/2 publishes open and records
// which were acknowledged (PUBACK / PUBCOMP), and a subscriber that collects payloads per topic.
import type { MqttClient } from "mqtt";

/** Publishes `count` messages numbered 0..count-1 on `topic`, at most `window` unacknowledged; resolves with the
 *  numbers acknowledged once all are, or when `stop()` says so (the broker went away: the rest are unknown). */
export function publishNumbered(client: MqttClient, topic: string, qos: 1 | 2, count: number, window = 500):
  { acked: number[]; done: Promise<number[]>; stop(): void } {
  const acked: number[] = [];
  let next = 0, open = 0, stopped = false;
  let finish!: (value: number[]) => void;
  const done = new Promise<number[]>((resolve) => { finish = resolve; });
  const pump = (): void => {
    while (!stopped && open < window && next < count) {
      const n = next++;
      open++;
      client.publish(topic, String(n), { qos }, (error) => {
        open--;
        // A failed publish means the connection is gone (the test's stop() says what was kept). Publishing on would
        // fail at once again, recursively: under load that overflowed the stack inside mqtt.js's callbacks.
        if (error !== undefined && error !== null) {
          stopped = true;
          return;
        }
        acked.push(n);
        if (acked.length === count) finish(acked);
        else pump();
      });
    }
  };
  pump();
  return { acked, done, stop: () => { stopped = true; finish(acked); } };
}

/** Payloads received per topic, in arrival order. */
export class Received {
  readonly byTopic = new Map<string, number[]>();
  readonly dup = new Map<string, number>();

  readonly onMessage = (topic: string, payload: Buffer, packet?: { dup?: boolean }): void => {
    let list = this.byTopic.get(topic);
    if (list === undefined) this.byTopic.set(topic, list = []);
    list.push(Number(payload.toString()));
    if (packet?.dup === true) this.dup.set(topic, (this.dup.get(topic) ?? 0) + 1);
  };

  list(topic: string): number[] {
    return this.byTopic.get(topic) ?? [];
  }

  distinct(topic: string): Set<number> {
    return new Set(this.list(topic));
  }

  /** True when the first arrivals of each number come in increasing order. */
  inOrder(topic: string): boolean {
    const seen = new Set<number>();
    let last = -1;
    for (const n of this.list(topic)) {
      if (seen.has(n)) continue;
      seen.add(n);
      if (n < last) return false;
      last = n;
    }
    return true;
  }
}
