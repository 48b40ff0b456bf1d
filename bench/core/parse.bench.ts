// Framing throughput: a stream of mixed PUBLISH packets (64 B payloads, 3-5 level topics, QoS 0/1, v3.1.1 and
// v5) fed in 64 KiB chunks to Codec.frame (reading type/topic/payload of each record) and to mqtt-packet's parser.
import mqttPacket from "mqtt-packet";
import { Core } from "../../host/core/core.ts";
import { Codec } from "../../test/helpers/codec.ts";
import { R_TYPE, R_TOPIC_OFFSET, R_TOPIC_LENGTH, R_PAYLOAD_OFFSET, R_PAYLOAD_LENGTH } from "../../host/core/layout.ts";

const PACKETS = 200_000;
const CHUNK = 64 * 1024;
const ROUNDS = 10;

function makeStream(level: 4 | 5): { bytes: Buffer; packets: number } {
  let seed = level;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
  const payload = Buffer.alloc(64, 0x61);
  const parts: Buffer[] = [];
  for (let i = 0; i < PACKETS / 2; i++) {
    const levels = 3 + (next() % 3);
    const topic = Array.from({ length: levels }, (_, k) => `l${k}-${next() % 100}`).join("/");
    const qos = (next() & 1) as 0 | 1;
    parts.push(mqttPacket.generate({
      cmd: "publish", topic, payload, qos, retain: false, dup: false, messageId: qos ? 1 + (i % 65535) : undefined,
      ...(level === 5 ? { properties: i % 4 === 0 ? { contentType: "text/plain" } : {} } : {}),
    } as mqttPacket.IPublishPacket, { protocolVersion: level }));
  }
  return { bytes: Buffer.concat(parts), packets: parts.length };
}

function chunks(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) out.push(bytes.subarray(at, at + CHUNK));
  return out;
}

const codec = new Codec(new Core());

/** As a connection would: one reusable staging buffer holds the unframed tail plus the next chunk. */
const staging = Buffer.allocUnsafe(2 * CHUNK);

function runCodec(stream: Buffer[], level: number): number {
  let have = 0, frames = 0, sum = 0;
  for (const chunk of stream) {
    chunk.copy(staging, have);
    have += chunk.length;
    const count = codec.frame(staging, have, level, 0);
    for (let r = 0; r < count; r++) {
      sum += codec.word(r, R_TYPE) + codec.word(r, R_TOPIC_OFFSET) + codec.word(r, R_TOPIC_LENGTH)
        + codec.word(r, R_PAYLOAD_OFFSET) + codec.word(r, R_PAYLOAD_LENGTH);
    }
    frames += count;
    staging.copyWithin(0, codec.consumed, have);
    have -= codec.consumed;
  }
  if (sum === 0 || have !== 0) throw new Error("stream not framed whole");
  return frames;
}

function runMqttPacket(stream: Buffer[], level: 4 | 5): number {
  const parser = mqttPacket.parser({ protocolVersion: level });
  let frames = 0, sum = 0;
  parser.on("packet", (p: mqttPacket.Packet) => {
    frames++;
    sum += (p as mqttPacket.IPublishPacket).topic.length + ((p as mqttPacket.IPublishPacket).payload as Buffer).length;
  });
  parser.on("error", (e: Error) => { throw e; });
  for (const chunk of stream) parser.parse(chunk);
  if (sum === 0) throw new Error("nothing read");
  return frames;
}

type Stream = { chunks: Buffer[]; level: 4 | 5; bytes: number; packets: number };
type Runner = (s: Buffer[], level: 4 | 5) => number;

/** One timed pass over every stream; returns seconds. */
function pass(name: string, streams: Stream[], run: Runner): number {
  const start = process.hrtime.bigint();
  let frames = 0;
  for (const s of streams) frames += run(s.chunks, s.level);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const expected = streams.reduce((n, s) => n + s.packets, 0);
  if (frames !== expected) throw new Error(`${name}: ${frames} frames, expected ${expected}`);
  return seconds;
}

function report(name: string, streams: Stream[], best: number): number {
  const frames = streams.reduce((n, s) => n + s.packets, 0), total = streams.reduce((n, s) => n + s.bytes, 0);
  const fps = frames / best;
  console.log(`${name.padEnd(12)} ${Math.round(fps).toLocaleString("en-US").padStart(12)} frames/s ${(total / best / 1e6).toFixed(1).padStart(8)} MB/s  (${frames} PUBLISH, ${(total / 1e6).toFixed(1)} MB, best of ${ROUNDS})`);
  return fps;
}

const streams: Stream[] = ([4, 5] as const).map((level) => {
  const { bytes, packets } = makeStream(level);
  return { chunks: chunks(bytes), level, bytes: bytes.length, packets };
});
// Rounds alternate between the two parsers so both see the same machine load; the best round counts.
let bestOurs = Infinity, bestTheirs = Infinity;
for (let round = 0; round < ROUNDS; round++) {
  bestOurs = Math.min(bestOurs, pass("Codec.frame", streams, runCodec));
  bestTheirs = Math.min(bestTheirs, pass("mqtt-packet", streams, runMqttPacket));
}
const ours = report("Codec.frame", streams, bestOurs);
const theirs = report("mqtt-packet", streams, bestTheirs);
console.log(`ratio        ${(ours / theirs).toFixed(1)}x (Codec.frame / mqtt-packet)`);
