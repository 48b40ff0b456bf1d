// What the lmdb store brings back after the binary is killed and restarted: retained messages and
// subscriptions (expired ones purged), wills with a delay (kept, and fired when due, also when the delay ran
// out while the broker was down); and on SIGTERM the wills of sessions that end with the shutdown go out first.
import { join } from "node:path";
import type { IClientOptions, MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { connectClient, until } from "../helpers/child-broker.ts";
import { storeTestBed } from "../helpers/store-test-bed.ts";
import { startQuarkmq, type QuarkmqProcess } from "../helpers/quarkmq-process.ts";

const { root, clients, processes } = storeTestBed("quarkmq-restart-");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(dataDir: string): Promise<{ broker: QuarkmqProcess; port: number }> {
  const started = await startQuarkmq(["--port", "0", "--data-dir", dataDir]);
  processes.push(started.broker);
  return started;
}

async function kill(broker: QuarkmqProcess): Promise<void> {
  await broker.stop("SIGKILL");
}

async function client(port: number, options: IClientOptions, received?: Array<[string, string]>): Promise<MqttClient> {
  const c = await connectClient(port, options, received === undefined ? undefined : (topic, payload) => received.push([topic, payload.toString()]));
  clients.push(c);
  return c;
}

const v5 = (clientId: string, sessionExpiryInterval: number, extra: IClientOptions = {}): IClientOptions =>
  ({ clientId, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval }, ...extra });

/** The watcher's persistent subscription to will/#, made before the crash. */
async function watchWills(port: number): Promise<void> {
  await (await client(port, { clientId: "watcher", clean: false })).subscribeAsync("will/#", { qos: 1 });
  await clients.pop()!.endAsync();
}

/** The watcher reconnects after the restart and receives `will` ([topic, payload]). */
async function expectWill(port: number, will: [string, string]): Promise<void> {
  const got: Array<[string, string]> = [];
  await client(port, { clientId: "watcher", clean: false }, got);
  await until("the will", () => got.length === 1, 10_000);
  expect(got).toEqual([will]);
}

describe("lmdb store across a SIGKILL and a restart", () => {
  it("[MQTT-3.3.1-5] [MQTT-3.3.1-6] restored retained messages are replaced and cleared before and after their first delivery", async () => {
    const dir = join(root, "retained-changes");
    let { broker, port } = await start(dir);
    const publisher = await client(port, { protocolVersion: 5 });
    for (const topic of ["r/a", "r/b", "r/c", "r/d"]) await publisher.publishAsync(topic, `${topic} before`, { qos: 1, retain: true });
    await kill(broker);
    ({ broker, port } = await start(dir));
    const next = await client(port, { protocolVersion: 5 });
    await next.publishAsync("r/a", "", { qos: 1, retain: true }); // cleared before anyone matched it
    await next.publishAsync("r/b", "r/b after", { qos: 1, retain: true }); // replaced before anyone matched it
    const first: Array<[string, string]> = [];
    await (await client(port, { clientId: "first" }, first)).subscribeAsync("r/#", { qos: 1 });
    await until("the retained messages arrive", () => first.length === 3);
    expect(first.sort()).toEqual([["r/b", "r/b after"], ["r/c", "r/c before"], ["r/d", "r/d before"]]);
    await next.publishAsync("r/c", "", { qos: 1, retain: true }); // cleared after its first delivery
    await kill(broker);
    ({ broker, port } = await start(dir));
    const second: Array<[string, string]> = [];
    await (await client(port, { clientId: "second" }, second)).subscribeAsync("r/#", { qos: 1 });
    await until("the retained messages arrive", () => second.length === 2);
    await sleep(300);
    expect(second.sort()).toEqual([["r/b", "r/b after"], ["r/d", "r/d before"]]);
  });

  it("retained messages and subscriptions survive; an expired retained message and an expired session do not", async () => {
    const dir = join(root, "retained");
    let { broker, port } = await start(dir);
    await (await client(port, v5("keeps", 3600))).subscribeAsync("s/keep", { qos: 1 });
    await (await client(port, v5("short", 1))).subscribeAsync("s/short", { qos: 1 });
    for (const c of clients.splice(0)) await c.endAsync();
    const publisher = await client(port, { protocolVersion: 5 });
    await publisher.publishAsync("r/keep", "kept", { qos: 1, retain: true });
    await publisher.publishAsync("r/expires", "gone", { qos: 1, retain: true, properties: { messageExpiryInterval: 1 } });
    await kill(broker);
    await sleep(1500);
    ({ broker, port } = await start(dir));
    const restored = await broker.waitForLog((l) => l.msg === "store restored");
    expect(restored.purged).toMatchObject({ sessions: 1, retained: 1 });
    const retained: Array<[string, string]> = [];
    await (await client(port, { clientId: "reader" }, retained)).subscribeAsync("r/#", { qos: 1 });
    await sleep(300);
    expect(retained).toEqual([["r/keep", "kept"]]);
    (await client(port, { clientId: "pub2" })).publish("s/keep", "after restart", { qos: 1 });
    const got: Array<[string, string]> = [];
    const keeps = await client(port, v5("keeps", 3600), got);
    await until("the subscription made before the crash delivers", () => got.length === 1);
    expect(got).toEqual([["s/keep", "after restart"]]);
    const short = await client(port, v5("short", 1));
    expect([(keeps as unknown as { connackPacket?: { sessionPresent: boolean } }).connackPacket?.sessionPresent,
      (short as unknown as { connackPacket?: { sessionPresent: boolean } }).connackPacket?.sessionPresent]).toEqual([true, false]);
  }, 60_000);

  it("[MQTT-3.1.2-8] a will with a delay survives the crash of the broker its client was connected to, and fires", async () => {
    const dir = join(root, "will-delay");
    let { broker, port } = await start(dir);
    await watchWills(port);
    await client(port, v5("dying", 60, { will: { topic: "will/dying", payload: Buffer.from("bye"), qos: 1, retain: false,
      properties: { willDelayInterval: 2 } } }));
    await sleep(200); // the session record (with the will) is committed
    await kill(broker);
    ({ broker, port } = await start(dir));
    const startedAt = Date.now();
    await expectWill(port, ["will/dying", "bye"]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000); // its delay counts from the restart
  }, 60_000);

  it("[MQTT-3.1.2-8] a will whose delay ran out while the broker was down is published after the restart", async () => {
    const dir = join(root, "will-due");
    let { broker, port } = await start(dir);
    await watchWills(port);
    const gone = await client(port, v5("gone", 60, { will: { topic: "will/gone", payload: Buffer.from("late"), qos: 1, retain: false,
      properties: { willDelayInterval: 1 } } }));
    gone.stream.destroy(); // no DISCONNECT: the will waits for its delay
    await sleep(250); // the session record (with the will) is committed
    await kill(broker);
    await sleep(1200);
    ({ broker, port } = await start(dir));
    await expectWill(port, ["will/gone", "late"]);
  }, 60_000);
});

describe("SIGTERM", () => {
  it("[MQTT-3.1.2-8] publishes the wills of sessions that end with the shutdown to clients still connected, then exits 0", async () => {
    const { broker, port } = await start(join(root, "sigterm"));
    const got: Array<[string, string]> = [];
    await (await client(port, { clientId: "listener" }, got)).subscribeAsync("will/#", { qos: 1 });
    await client(port, { clientId: "ending", will: { topic: "will/ending", payload: Buffer.from("shutdown"), qos: 1, retain: false } });
    const exit = await broker.stop("SIGTERM");
    expect(exit).toEqual({ code: 0, signal: null });
    expect(got).toEqual([["will/ending", "shutdown"]]);
  }, 30_000);
});
