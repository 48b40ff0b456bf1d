// The retained executor: sets `topics` retained messages (QoS 1, windowed on PUBACK), then times one
// subscription to `#` until every retained message has arrived once and intact (counting those that
// arrive without the RETAIN flag, i.e. routed live because the broker acknowledged before it routed).
import { performance } from "node:perf_hooks";
import { LoadClient } from "./load-client.ts";
import { PUBACK, publishHeader } from "./mqtt-wire.ts";
import { fillPattern, intact, stamp } from "./payload.ts";
import type { RetainedParams } from "./scenarios.ts";
import { VerifyError } from "./verify-error.ts";
import type { LoadResult } from "./load-result.ts";

const PAYLOAD = 64;
const WINDOW = 1000;
const topicOf = (i: number) => `r/${i >> 8}/${i & 255}`;

export async function runRetained(port: number, p: RetainedParams, mark: (name: string) => Promise<void>): Promise<LoadResult> {
  const fill = fillPattern(PAYLOAD);
  let failure: Error | null = null;
  const fail = (message: string) => {
    if (!failure) failure = new VerifyError(message);
  };
  const pub = new LoadClient(port);
  const sub = new LoadClient(port);
  pub.onError = fail;
  sub.onError = fail;
  const tag = `b${process.pid}-${Date.now() % 100000}`;
  await pub.connect(`${tag}-rp`);
  await sub.connect(`${tag}-rs`);
  await mark("ready");
  const t0 = performance.now();
  let sent = 0;
  let acked = 0;
  let setDone: () => void = () => {};
  const pump = () => {
    const batch: Buffer[] = [];
    while (sent < p.topics && sent - acked < WINDOW) {
      const { header, packetIdOffset } = publishHeader(topicOf(sent), 1, true, PAYLOAD);
      const packetId = (sent % 65535) + 1;
      header[packetIdOffset] = packetId >> 8;
      header[packetIdOffset + 1] = packetId & 255;
      const payload = Buffer.concat([Buffer.alloc(12), fill, Buffer.alloc(1)]);
      stamp(payload, 0, PAYLOAD, sent, 1, sent + 1);
      batch.push(header, payload);
      sent++;
    }
    if (batch.length) pub.socket.write(Buffer.concat(batch));
  };
  const setPhase = new Promise<void>((r) => (setDone = r));
  pub.onAck = (type) => {
    if (type !== PUBACK) return;
    if (++acked === p.topics) setDone();
    else if (acked % (WINDOW / 2) === 0) pump();
  };
  pump();
  await Promise.race([setPhase, new Promise((r) => setTimeout(r, 120_000))]);
  if (acked < p.topics) fail(`loss: only ${acked} of ${p.topics} retained PUBLISH acknowledged`);
  if (failure) throw failure;
  const setMs = performance.now() - t0;
  await mark("set");

  const seen = new Uint8Array(p.topics);
  let delivered = 0;
  let unflagged = 0;
  let allDone: () => void = () => {};
  const subPhase = new Promise<void>((r) => (allDone = r));
  sub.onPublish = (chunk, flags, ts, te, ps, pe) => {
    const id = pe - ps >= 12 ? chunk.readUInt32BE(ps) : -1;
    if (id < 0 || id >= p.topics) return fail(`corrupt: retained payload with id ${id}`);
    if (chunk.toString("latin1", ts, te) !== topicOf(id)) return fail(`misrouted: retained ${id} arrived on ${chunk.toString("latin1", ts, te)}`);
    if (!intact(chunk, ps, pe, PAYLOAD, fill)) return fail(`corrupt: retained ${id} payload damaged`);
    if (seen[id]++) return fail(`duplicate: retained ${id} arrived twice`);
    if (!(flags & 1)) unflagged++; // sent live: the broker was still routing it when it acknowledged it
    if (++delivered === p.topics) allDone();
  };
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  await sub.subscribe(["#"], 0);
  await Promise.race([subPhase, new Promise((r) => setTimeout(r, 120_000))]);
  if (delivered < p.topics) fail(`loss: ${delivered} of ${p.topics} retained messages arrived`);
  const subMs = performance.now() - t1;
  await new Promise((r) => setTimeout(r, 50));
  if (failure) throw failure;
  const cpu = process.cpuUsage(cpu0);
  await mark("end");
  pub.close();
  sub.close();
  return { delivered, published: p.topics, wallMs: subMs, loadgenCpuMs: (cpu.user + cpu.system) / 1000, duplicates: 0, extra: { setMs, setPerS: p.topics / (setMs / 1000), subscribeMs: subMs, unflagged } };
}
