// Fuzzing the live broker: 50 connections at once send seeded mutations of valid packets (bit flips,
// truncations, lying lengths, bogus varints, garbage) or well-framed adversarial sequences, while a
// well-behaved client's QoS 1 loop loses nothing.
import net from "node:net";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "../fixtures/packets.ts";
import { ChildBroker, MB, connectClient, until, type BrokerSnapshot } from "../helpers/child-broker.ts";
import { Prng, mutate } from "../helpers/mutate.ts";
import { protocolPacket } from "../helpers/protocol-fuzz.ts";
import { connectBytes } from "../helpers/packets.ts";

// A longer hunt: QUARKMQ_FUZZ_SEED=7 QUARKMQ_FUZZ_ROUNDS=200 QUARKMQ_FUZZ_MS=60000 npx vitest run test/robustness/fuzz.test.ts
const SEED = Number(process.env.QUARKMQ_FUZZ_SEED ?? 0x5eed);
const CONNECTIONS = 50;
const ROUNDS = Number(process.env.QUARKMQ_FUZZ_ROUNDS ?? 80);
const TIME_LIMIT_MS = Number(process.env.QUARKMQ_FUZZ_MS ?? 12_000);

/** Client-to-server fixture packets by protocol level (3.1 shares 3.1.1's packet formats). */
const corpus: Record<number, number[][]> = { 3: [], 4: [], 5: [] };
for (const fixture of fixtures) {
  if (fixture.direction === "out") continue;
  corpus[fixture.level]!.push([...fixture.bytes]);
  if (fixture.level === 4) corpus[3]!.push([...fixture.bytes]);
}

interface FuzzTally { connections: number; bytesSent: number }

/** One fuzz connection, written in random pieces: either a CONNECT (20% mutated) then 1-10 fixture packets (40%
 *  mutated, some twice), or a valid CONNECT then 1-12 well-framed adversarial packets (protocol-fuzz.ts). */
async function fuzzOnce(port: number, rng: Prng, tally: FuzzTally): Promise<void> {
  const level = rng.pick([3, 4, 5, 5]);
  const clientId = `fz-${rng.int(40)}`;
  const connect = [...connectBytes({ level, clientId, cleanStart: rng.next() < 0.9, keepAlive: rng.int(3) * 30 })];
  const packets: number[][] = [];
  if (rng.next() < 0.5) {
    packets.push(rng.next() < 0.2 ? mutate(connect, rng) : connect);
    for (let n = 1 + rng.int(10); n > 0; n--) {
      const base = rng.pick(corpus[level]!);
      const roll = rng.next();
      packets.push(roll < 0.1 ? mutate(mutate(base, rng), rng) : roll < 0.4 ? mutate(base, rng) : base);
    }
  } else {
    packets.push(connect);
    for (let n = 1 + rng.int(12); n > 0; n--) packets.push(protocolPacket(rng, level === 3 ? 4 : level, clientId));
  }
  const bytes = Uint8Array.from(packets.flat());
  tally.connections++;
  tally.bytesSent += bytes.length;
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  socket.on("data", () => {});
  const closed = new Promise<void>((resolve) => {
    socket.once("close", () => resolve());
    setTimeout(() => resolve(), 50 + rng.int(100));
  });
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  for (let at = 0; at < bytes.length;) {
    const end = rng.next() < 0.5 ? bytes.length : at + 1 + rng.int(bytes.length - at);
    socket.write(bytes.subarray(at, end));
    at = end;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await closed;
  socket.destroy();
}

describe(`fuzzing the live broker (seed 0x${SEED.toString(16)})`, () => {
  let broker: ChildBroker;
  let steady: MqttClient;
  let baseline: BrokerSnapshot;
  const tally: FuzzTally = { connections: 0, bytesSent: 0 };
  const sent: number[] = [];
  const received: number[] = [];

  beforeAll(async () => {
    broker = await ChildBroker.start({ connectTimeout: 2 });
    steady = await connectClient(broker.port, { clientId: "steady", protocolVersion: 5 });
    await steady.subscribeAsync("steady/topic", { qos: 1 });
    steady.on("message", (_topic, payload) => received.push(Number(payload.toString())));
    baseline = await broker.gcSnapshot();
  });

  afterAll(async () => {
    await steady?.endAsync(true);
    await broker?.close();
  });

  it(`${CONNECTIONS} connections x ${ROUNDS} rounds of mutated or adversarial packets; a QoS 1 client loses nothing meanwhile`, async () => {
    const deadline = Date.now() + TIME_LIMIT_MS;
    let fuzzing = true;
    const publishing = (async () => {
      const acks: Promise<unknown>[] = [];
      for (let seq = 0; fuzzing; seq++) {
        sent.push(seq);
        acks.push(steady.publishAsync("steady/topic", String(seq), { qos: 1 }));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await Promise.all(acks);
    })();
    await Promise.all(Array.from({ length: CONNECTIONS }, async (_, w) => {
      for (let round = 0; round < ROUNDS && Date.now() < deadline; round++) {
        await fuzzOnce(broker.port, new Prng(SEED + w * 1_000_003 + round * 7919), tally);
      }
    }));
    fuzzing = false;
    await publishing;
    await until("every steady message back", () => received.length >= sent.length, 15_000);
    expect(broker.alive).toBe(true);
    expect(sent.length).toBeGreaterThan(20);
    expect([...received].sort((a, b) => a - b)).toEqual(sent); // [MQTT-4.3.2-1] at least once; no reconnect, so exactly once
    expect(tally.connections).toBeGreaterThanOrEqual(CONNECTIONS * 5);
  }, 60_000);

  it("counted the violations, hit no internal error, and closed every fuzz connection", async () => {
    await until("only the steady client left", async () => (await broker.snapshot()).connections === 1, 10_000);
    const after = await broker.snapshot();
    expect(after.internalErrors).toEqual([]);
    expect(after.internalErrorCount).toBe(0);
    expect(after.stats.protocolErrors - baseline.stats.protocolErrors).toBeGreaterThan(tally.connections / 4);
  }, 20_000);

  it("memory returns near its baseline after gc", async () => {
    const after = await broker.gcSnapshot();
    // Measured right after the last fuzz connection closed: closed connections must not linger (their 2 s
    // destroy timer used to keep ~2 s worth of them, 8-9 MB here; now ~1.4 MB).
    expect(after.memory.heapUsed - baseline.memory.heapUsed).toBeLessThan(4 * MB);
    expect(after.memory.rss - baseline.memory.rss).toBeLessThan(64 * MB);
    expect(after.wasmBytes - baseline.wasmBytes).toBeLessThanOrEqual(4 * MB);
  });
});
