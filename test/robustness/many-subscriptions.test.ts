// One client with 10k subscriptions (one SUBSCRIBE of 5,000 filters and 5,000 SUBSCRIBEs of one):
// routed exactly on a sample, all unsubscribed, and the subscription count and memory back after two rounds.
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBroker, MB, connectClient } from "../helpers/child-broker.ts";

const HALF = 5000;
const literal = (i: number) => `load/${i}/value`;
const wildcard = (i: number) => `wild/+/${i}`;
const SAMPLE = Array.from({ length: 100 }, (_, k) => (k * 97 + 13) % HALF);

describe("a client with 10k subscriptions", () => {
  let broker: ChildBroker;
  let subscriber: MqttClient;
  let publisher: MqttClient;

  beforeAll(async () => {
    broker = await ChildBroker.start();
    subscriber = await connectClient(broker.port, { clientId: "many-subs" });
    publisher = await connectClient(broker.port, { clientId: "many-subs-pub" });
    await subscriber.subscribeAsync("marker", { qos: 1 });
  });

  afterAll(async () => {
    await Promise.all([subscriber?.endAsync(true), publisher?.endAsync(true)]);
    await broker?.close();
  });

  async function subscribeAll(): Promise<void> {
    const one: Record<string, { qos: 1 }> = {};
    for (let i = 0; i < HALF; i++) one[literal(i)] = { qos: 1 };
    const granted = await subscriber.subscribeAsync(one);
    expect(granted.length).toBe(HALF);
    expect(granted.every((g) => g.qos === 1)).toBe(true); // [MQTT-3.8.4-5] one return code per filter
    const each = await Promise.all(Array.from({ length: HALF }, (_, i) => subscriber.subscribeAsync(wildcard(i), { qos: 1 })));
    expect(each.every((g) => g.length === 1 && g[0]!.qos === 1)).toBe(true);
  }

  async function unsubscribeAll(): Promise<void> {
    await subscriber.unsubscribeAsync(Array.from({ length: HALF }, (_, i) => literal(i)));
    await Promise.all(Array.from({ length: HALF }, (_, i) => subscriber.unsubscribeAsync(wildcard(i))));
  }

  /** Publishes `topics` then a marker; resolves with the topics the subscriber got before the marker. */
  async function deliveredOf(topics: string[]): Promise<string[]> {
    const got: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`marker not received (${got.length} before it)`)), 20_000);
      subscriber.on("message", function onMessage(topic, payload) {
        if (topic !== "marker") {
          expect(payload.toString()).toBe(topic);
          got.push(topic);
          return;
        }
        clearTimeout(timer);
        subscriber.off("message", onMessage);
        resolve();
      });
    });
    for (const topic of topics) publisher.publish(topic, topic, { qos: 0 });
    await publisher.publishAsync("marker", "end", { qos: 1 });
    await done;
    return got;
  }

  const matching = SAMPLE.flatMap((i) => [literal(i), `wild/x/${i}`]);
  const missing = SAMPLE.flatMap((i) => [literal(HALF + i), `wild/x/y/${i}`, `${literal(i)}/extra`, `wild/${i}`]);

  it("routes exactly the sampled matching topics, once each [MQTT-3.3.5-1]", async () => {
    const base = await broker.gcSnapshot("many-subs");
    await subscribeAll();
    const full = await broker.snapshot("many-subs");
    expect(full.subscriptionCount - base.subscriptionCount).toBe(2 * HALF);
    expect(full.sessionSubscriptions).toBe(2 * HALF + 1);
    const got = await deliveredOf([...missing, ...matching]);
    expect(got.sort()).toEqual([...matching].sort());
    await unsubscribeAll();
    const after = await broker.snapshot("many-subs");
    expect(after.subscriptionCount).toBe(base.subscriptionCount);
    expect(after.sessionSubscriptions).toBe(1);
    expect(await deliveredOf(matching)).toEqual([]);
  }, 60_000);

  it("a second subscribe-all/unsubscribe-all round leaves memory where the first left it", async () => {
    const first = await broker.gcSnapshot("many-subs");
    await subscribeAll();
    await unsubscribeAll();
    const second = await broker.gcSnapshot("many-subs");
    expect(second.subscriptionCount).toBe(first.subscriptionCount);
    expect(second.sessionSubscriptions).toBe(1);
    expect(second.wasmBytes).toBe(first.wasmBytes); // the core's allocator reuses the freed trie nodes
    expect(second.memory.heapUsed - first.memory.heapUsed).toBeLessThan(4 * MB);
    expect(broker.alive).toBe(true);
  }, 60_000);
});
