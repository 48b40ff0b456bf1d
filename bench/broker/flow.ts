// The flow executor (pairs, fanout, qos1/2, latency, wildcard, large): publishers send pre-encoded
// packets in batches within a window (or at a fixed rate), subscribers check every message.
import { performance } from "node:perf_hooks";
import { LoadClient } from "./load-client.ts";
import { PUBACK, PUBCOMP, publishHeader } from "./mqtt-wire.ts";
import { fillPattern, intact, stamp } from "./payload.ts";
import { plan } from "./scenarios.ts";
import type { FlowParams } from "./scenarios.ts";
import { inBatches } from "./in-batches.ts";
import { percentiles } from "./load-result.ts";
import { VerifyError } from "./verify-error.ts";
import type { LoadResult } from "./load-result.ts";

const LARGE = 65536;
const BATCH_MAX = 512;

interface Publisher {
  client: LoadClient;
  streams: number[];
  rr: number;
  sent: number;
  doneUpTo: number;
  acked: number;
  remaining: Int32Array;
  sendTime: Float64Array;
  /** When each packetId was sent (QoS > 0), for publish-to-ack latency. */
  ackSent: Float64Array;
  mask: number;
}

export async function runFlow(port: number, p: FlowParams, durationMs: number, warmupMs: number, mark: (name: string) => Promise<void>): Promise<LoadResult> {
  const pl = plan(p);
  const n = pl.topics.length;
  const fill = fillPattern(p.payloadLength);
  const topicBufs = pl.topics.map((t) => Buffer.from(t));
  const templates = pl.topics.map((t) => {
    const { header, packetIdOffset } = publishHeader(t, p.qos, false, p.payloadLength);
    const whole = p.payloadLength > LARGE ? Buffer.concat([header, Buffer.alloc(12)]) : Buffer.concat([header, Buffer.alloc(12), fill, Buffer.alloc(1)]);
    return { bytes: whole, payloadAt: header.length, packetIdOffset };
  });
  let failure: Error | null = null;
  const fail = (message: string) => {
    if (!failure) failure = new VerifyError(message);
  };
  const ringSize = 1 << Math.max(10, Math.ceil(Math.log2(Math.max(p.window * 2, (p.rate ?? 0) * 4))));
  const pubs: Publisher[] = [];
  for (let i = 0; i < pl.publishers; i++) {
    pubs.push({ client: new LoadClient(port), streams: [], rr: 0, sent: 0, doneUpTo: 0, acked: 0, remaining: new Int32Array(ringSize), sendTime: new Float64Array(ringSize), ackSent: new Float64Array(p.qos > 0 ? 65536 : 0), mask: ringSize - 1 });
  }
  pl.streamPublisher.forEach((pi, s) => pubs[pi].streams.push(s));
  const ackLat: number[] = [];
  const lat: number[] = [];
  let delivered = 0;
  let duplicates = 0;
  let stopped = false;
  let pumpScheduled = false;

  const send = (pub: Publisher, count: number) => {
    const now = performance.now();
    if (p.payloadLength > LARGE) {
      for (let k = 0; k < count; k++) {
        const s = pub.streams[pub.rr++ % pub.streams.length];
        const head = Buffer.from(templates[s].bytes);
        const pubSeq = ++pub.sent;
        const tail = Buffer.alloc(1);
        const probe = Buffer.concat([head.subarray(templates[s].payloadAt), Buffer.alloc(1)]);
        stamp(probe, 0, 13, s, perStreamSeq[s]++ + 1, pubSeq);
        probe.copy(head, templates[s].payloadAt, 0, 12);
        tail[0] = probe[12];
        pub.remaining[pubSeq & pub.mask] = pl.streamSubscribers[s].length;
        if (p.latency) pub.sendTime[pubSeq & pub.mask] = now;
        pub.client.socket.cork();
        pub.client.socket.write(head);
        pub.client.socket.write(fill);
        pub.client.socket.write(tail);
        pub.client.socket.uncork();
      }
      return;
    }
    let size = 0;
    const first = pub.rr;
    for (let k = 0; k < count; k++) size += templates[pub.streams[(first + k) % pub.streams.length]].bytes.length;
    const batch = Buffer.allocUnsafe(size);
    let off = 0;
    for (let k = 0; k < count; k++) {
      const s = pub.streams[pub.rr++ % pub.streams.length];
      const t = templates[s];
      t.bytes.copy(batch, off);
      const pubSeq = ++pub.sent;
      stamp(batch, off + t.payloadAt, p.payloadLength, s, perStreamSeq[s]++ + 1, pubSeq);
      if (t.packetIdOffset >= 0) {
        const packetId = ((pubSeq - 1) % 65535) + 1;
        batch[off + t.packetIdOffset] = packetId >> 8;
        batch[off + t.packetIdOffset + 1] = packetId & 255;
        pub.ackSent[packetId] = now;
      }
      pub.remaining[pubSeq & pub.mask] = pl.streamSubscribers[s].length;
      if (p.latency) pub.sendTime[pubSeq & pub.mask] = now;
      off += t.bytes.length;
    }
    pub.client.socket.write(batch);
  };
  const perStreamSeq = new Int32Array(n);
  const pending = new Int32Array(pubs.length);

  const pumpAll = () => {
    pumpScheduled = false;
    if (stopped || p.rate) return;
    for (const pub of pubs) {
      const done = p.qos > 0 ? Math.min(pub.doneUpTo, pub.acked) : pub.doneUpTo;
      const room = Math.min(BATCH_MAX, p.window - (pub.sent - done));
      if (room > 0) send(pub, room);
    }
  };
  const schedule = () => {
    if (!pumpScheduled) {
      pumpScheduled = true;
      setImmediate(pumpAll);
    }
  };

  for (const pub of pubs) {
    pub.client.onError = fail;
    pub.client.onAck = (type, packetId) => {
      if (type !== (p.qos === 1 ? PUBACK : PUBCOMP)) return;
      pub.acked++;
      if (p.latency) ackLat.push(performance.now() - pub.ackSent[packetId]);
      schedule();
    };
  }
  const subs = pl.subscriberFilters.map((_, si) => {
    const client = new LoadClient(port);
    const last = new Int32Array(n).fill(-1);
    client.onError = fail;
    client.onPublish = (chunk, _flags, ts, te, ps, pe) => {
      const streamId = pe - ps >= 12 ? chunk.readUInt32BE(ps) : -1;
      if (streamId < 0 || streamId >= n) return fail(`corrupt: subscriber ${si} got a payload with stream ${streamId}`);
      const prev = last[streamId];
      if (prev < 0) return fail(`misrouted: subscriber ${si} got stream ${streamId} (${pl.topics[streamId]}), which it did not subscribe to`);
      const topic = topicBufs[streamId];
      if (te - ts !== topic.length || chunk.compare(topic, 0, topic.length, ts, te) !== 0) return fail(`misrouted: stream ${streamId} arrived on topic ${chunk.toString("latin1", ts, te)}, sent on ${pl.topics[streamId]}`);
      if (!intact(chunk, ps, pe, p.payloadLength, fill)) return fail(`corrupt: subscriber ${si} stream ${streamId} payload damaged (length ${pe - ps}, expected ${p.payloadLength})`);
      const seq = chunk.readUInt32BE(ps + 4);
      if (seq !== prev + 1) {
        if (seq > prev) return fail(`loss: subscriber ${si} stream ${streamId} expected seq ${prev + 1}, got ${seq}`);
        if (p.qos !== 1) return fail(`duplicate: subscriber ${si} stream ${streamId} got seq ${seq} again (QoS ${p.qos})`);
        duplicates++;
        return;
      }
      last[streamId] = seq;
      delivered++;
      const pub = pubs[pl.streamPublisher[streamId]];
      const slot = chunk.readUInt32BE(ps + 8) & pub.mask;
      if (p.latency) lat.push(performance.now() - pub.sendTime[slot]);
      if (--pub.remaining[slot] === 0) {
        while (pub.doneUpTo < pub.sent && pub.remaining[(pub.doneUpTo + 1) & pub.mask] === 0) pub.doneUpTo++;
        schedule();
      }
    };
    return { client, last };
  });
  pl.streamSubscribers.forEach((list, s) => list.forEach((si) => (subs[si].last[s] = 0)));

  const tag = `b${process.pid}-${Date.now() % 100000}`;
  const all = [...pubs.map((x, i) => ({ c: x.client, id: `${tag}-p${i}`, filters: [] as string[] })), ...subs.map((x, i) => ({ c: x.client, id: `${tag}-s${i}`, filters: pl.subscriberFilters[i] }))];
  await inBatches(all, 100, async (x) => {
    await x.c.connect(x.id, !p.persistent);
    if (x.filters.length) await x.c.subscribe(x.filters, p.qos);
  });
  if (failure) throw failure;

  /** One phase: load for `ms` (closed loop or open loop), then wait until everything sent has arrived. */
  const phase = async (ms: number) => {
    stopped = false;
    const t0 = performance.now();
    let timer: NodeJS.Timeout | null = null;
    if (p.rate) {
      // Message k of the phase is due at k / rate and goes to publisher k % publishers: the load is spread
      // evenly, so at low rates most connections carry one message per wakeup (no batches to amortise).
      let sentTotal = 0;
      timer = setInterval(() => {
        const due = Math.floor(((performance.now() - t0) / 1000) * p.rate!);
        for (; sentTotal < due && !stopped; sentTotal++) {
          const pub = pubs[sentTotal % pubs.length];
          if (pub.sent - pub.doneUpTo >= ringSize) return fail(`loss: open loop at ${p.rate} msgs/s fell ${pub.sent - pub.doneUpTo} messages behind`);
          if (p.onePerWrite) send(pub, 1);
          else pending[sentTotal % pubs.length]++;
        }
        if (!p.onePerWrite) pubs.forEach((pub, i) => { if (pending[i]) send(pub, pending[i]); pending[i] = 0; });
      }, 1);
    } else pumpAll();
    await new Promise((r) => setTimeout(r, ms));
    stopped = true;
    if (timer) clearInterval(timer);
    const drainLimit = performance.now() + (p.payloadLength > LARGE ? 60_000 : 10_000);
    while (!failure && pubs.some((x) => x.doneUpTo < x.sent || (p.qos > 0 && x.acked < x.sent))) {
      if (performance.now() > drainLimit) {
        const missing = pubs.reduce((m, x) => m + x.sent - x.doneUpTo, 0);
        const unacked = p.qos > 0 ? pubs.reduce((m, x) => m + x.sent - x.acked, 0) : 0;
        fail(`loss: ${missing} messages not delivered to all subscribers, ${unacked} not acknowledged, after the drain time`);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  // Warm-up: the same load, unmeasured, so the figures are the broker's steady state rather than its JIT warming up
  // (bench/results/profile.md: a fresh quarkmq gains ~40% over its first seconds of load). Every message is still checked.
  if (warmupMs > 0) {
    await phase(warmupMs);
    if (failure) throw failure;
    delivered = 0;
    duplicates = 0;
    lat.length = 0;
    ackLat.length = 0;
  }
  const publishedBefore = pubs.reduce((m, x) => m + x.sent, 0);
  const stalled = p.stalledWildcard ? new LoadClient(port) : undefined;
  if (stalled !== undefined) {
    stalled.onError = () => {};
    await stalled.connect(`${tag}-stalled`);
    await stalled.subscribe(["#"], 0);
    stalled.socket.pause(); // from now on it never reads
  }
  await mark("ready");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await phase(durationMs);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 50)); // late duplicates or strays
  if (failure) throw failure;
  await mark("end");
  for (const x of all) x.c.close();
  stalled?.close();
  const published = pubs.reduce((m, x) => m + x.sent, 0) - publishedBefore;
  return {
    delivered,
    published,
    wallMs,
    loadgenCpuMs: (cpu.user + cpu.system) / 1000,
    duplicates,
    latencyMs: p.latency ? percentiles(Float64Array.from(lat)) : undefined,
    ackLatencyMs: p.latency && p.qos > 0 ? percentiles(Float64Array.from(ackLat)) : undefined,
    extra: { publishers: pubs.length, subscribers: subs.length, mbPerS: (delivered * p.payloadLength) / 1e6 / (wallMs / 1000) },
  };
}
