// Nothing acknowledged is lost: the quarkmq binary (lmdb store) is killed with SIGKILL after, and in the
// middle of, publishing to offline persistent sessions, then restarted on the same data directory; the
// library's memory store passes the same session test across a close and a new broker on the same store.
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { createBroker, MemoryStore, type Broker } from "../../host/index.ts";
import { connectClient, until } from "../helpers/child-broker.ts";
import { publishNumbered, Received } from "../helpers/persistent-clients.ts";
import { storeTestBed } from "../helpers/store-test-bed.ts";
import { startQuarkmq } from "../helpers/quarkmq-process.ts";

const { root, clients, processes } = storeTestBed("quarkmq-durability-");

const N = 10_000;
const ARGS = ["--port", "0", "--max-queued-messages", "50000", "--max-inflight-messages", "1000"];

/** A broker that can be stopped hard (or closed) and started again on the same state. */
interface Restartable {
  start(): Promise<number>;
  crash(): Promise<void>;
}

function binary(dataDir: string): Restartable {
  return {
    start: async () => {
      const { broker, port } = await startQuarkmq([...ARGS, "--data-dir", dataDir]);
      processes.push(broker);
      return port;
    },
    crash: async () => { await processes.pop()!.stop("SIGKILL"); },
  };
}

function inProcess(store: MemoryStore): Restartable {
  let broker: Broker | undefined;
  return {
    start: async () => {
      broker = await createBroker({ store, tcp: { host: "127.0.0.1", port: 0 }, maxQueuedMessages: 50_000, maxInflightMessages: 1000 });
      return (await broker.listen()).port;
    },
    crash: async () => { await broker!.close(); },
  };
}

async function client(port: number, clientId: string, received?: Received): Promise<MqttClient> {
  const c = await connectClient(port, { clientId, clean: false }, received?.onMessage);
  clients.push(c);
  return c;
}

async function persistentSubscriber(port: number, clientId: string, topicFilter: string): Promise<void> {
  const c = await client(port, clientId);
  await c.subscribeAsync(topicFilter, { qos: 2 });
  await c.endAsync();
}

/** 10k QoS 1 and 10k QoS 2 acknowledged while the subscriber is away, a crash, a restart: all of them arrive,
 *  none twice at QoS 2, in order per topic. */
async function acknowledgedSurvive(broker: Restartable): Promise<void> {
  let port = await broker.start();
  await persistentSubscriber(port, "durable-sub", "d/#");
  const publisher = await client(port, "durable-pub");
  const [q1, q2] = await Promise.all([publishNumbered(publisher, "d/1", 1, N).done, publishNumbered(publisher, "d/2", 2, N).done]);
  expect([q1.length, q2.length]).toEqual([N, N]);
  publisher.end(true);
  await broker.crash();
  port = await broker.start();
  const received = new Received();
  await client(port, "durable-sub", received);
  await until("every acknowledged message", () => received.distinct("d/1").size === N && received.distinct("d/2").size === N, 30_000);
  expect(received.list("d/2")).toHaveLength(N); // [MQTT-4.3.3-1] none twice at QoS 2
  expect(received.inOrder("d/1")).toBe(true);
  expect(received.inOrder("d/2")).toBe(true);
}

describe("lmdb store, the binary killed with SIGKILL", () => {
  it("every acknowledged QoS 1 and QoS 2 message reaches the offline persistent session after a restart", async () => {
    await acknowledgedSurvive(binary(join(root, "acked")));
  }, 60_000);

  it("SIGKILL while publishing at full speed: every PUBACK'd and PUBCOMP'd message survives", async () => {
    const broker = binary(join(root, "mid"));
    let port = await broker.start();
    await persistentSubscriber(port, "mid-sub", "m/#");
    const publisher = await client(port, "mid-pub");
    const q1 = publishNumbered(publisher, "m/1", 1, 50_000);
    const q2 = publishNumbered(publisher, "m/2", 2, 50_000);
    await until("a few thousand acknowledgements", () => q1.acked.length + q2.acked.length >= 4000, 20_000);
    await broker.crash();
    q1.stop();
    q2.stop();
    const acked1 = new Set(q1.acked), acked2 = new Set(q2.acked);
    port = await broker.start();
    const received = new Received();
    await client(port, "mid-sub", received);
    await until("every acknowledged message", () => [...acked1].every((n) => received.distinct("m/1").has(n))
      && [...acked2].every((n) => received.distinct("m/2").has(n)), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything else stored comes right behind
    expect(received.list("m/2")).toHaveLength(received.distinct("m/2").size);
    expect(received.inOrder("m/1") && received.inOrder("m/2")).toBe(true);
    const extra = (topic: string, acked: Set<number>) => [...received.distinct(topic)].filter((n) => !acked.has(n)).length;
    console.info(`SIGKILL mid-publish: acknowledged QoS 1 ${acked1.size}, QoS 2 ${acked2.size}, all received; ` +
      `sent but unacknowledged that survived anyway: QoS 1 ${extra("m/1", acked1)}, QoS 2 ${extra("m/2", acked2)}`);
  }, 60_000);
});

describe("memory store, a broker closed and created again on the same store", () => {
  it("every acknowledged QoS 1 and QoS 2 message reaches the offline persistent session", async () => {
    await acknowledgedSurvive(inProcess(new MemoryStore()));
  }, 60_000);
});
