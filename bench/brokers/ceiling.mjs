// The ceiling: a node:net forwarder that frames MQTT packets, answers CONNECT/SUBSCRIBE/PINGREQ and
// forwards QoS 0 PUBLISH by exact topic, reading and writing whole batches. Nothing else of MQTT.
// Fault modes for the verifier's tests: --drop-every N, --dup-every N, --corrupt-every N, --misroute-every N.
import net from "node:net";

const arg = (name) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : 0; };
const [dropEvery, dupEvery, corruptEvery, misrouteEvery] = ["drop-every", "dup-every", "corrupt-every", "misroute-every"].map(arg);
const subscribers = new Map(); // topic (latin1 string) -> sockets
const pending = new Map(); // socket -> Buffer[] to write at the end of this read
let forwarded = 0;

function out(socket, buf) {
  const list = pending.get(socket);
  if (list) list.push(buf); else pending.set(socket, [buf]);
}

function other(socket) {
  for (const list of subscribers.values()) for (const s of list) if (s !== socket) return s;
  return socket;
}

function packetLength(buf) { // total length of the packet starting buf, 0 while its header is incomplete
  let length = 0, multiplier = 1, i = 1;
  while (i < buf.length && i < 5) { const b = buf[i++]; length += (b & 127) * multiplier; multiplier *= 128; if (!(b & 128)) return i + length; }
  return 0;
}

function publish(chunk, start, end, topicStart, topicEnd) {
  const targets = subscribers.get(chunk.latin1Slice(topicStart, topicEnd));
  if (!targets) return;
  for (const target of targets) {
    forwarded++;
    if (dropEvery && forwarded % dropEvery === 0) continue;
    let packet = chunk.subarray(start, end);
    if (corruptEvery && forwarded % corruptEvery === 0) { packet = Buffer.from(packet); packet[end - start - 2] ^= 0x40; }
    out(target, packet);
    if (dupEvery && forwarded % dupEvery === 0) out(target, packet);
    if (misrouteEvery && forwarded % misrouteEvery === 0) out(other(target), packet); // a stray copy to a non-subscriber
  }
}

function handle(socket, chunk) {
  let offset = 0;
  while (offset + 2 <= chunk.length) {
    let length = 0, multiplier = 1, i = offset + 1, byte;
    do { byte = chunk[i++]; length += (byte & 127) * multiplier; multiplier *= 128; } while (byte & 128 && i < chunk.length);
    if (byte & 128 || i + length > chunk.length) break; // incomplete: keep the tail
    const type = chunk[offset] >> 4, end = i + length;
    if (type === 3) publish(chunk, offset, end, i + 2, i + 2 + chunk.readUInt16BE(i));
    else if (type === 1) out(socket, Buffer.from([0x20, 2, 0, 0]));
    else if (type === 8) {
      const topic = chunk.latin1Slice(i + 4, i + 4 + chunk.readUInt16BE(i + 2));
      if (!subscribers.has(topic)) subscribers.set(topic, []);
      subscribers.get(topic).push(socket);
      out(socket, Buffer.from([0x90, 3, chunk[i], chunk[i + 1], 0]));
    } else if (type === 12) out(socket, Buffer.from([0xd0, 0]));
    offset = end;
  }
  return offset;
}

net.createServer({ noDelay: true }, (socket) => {
  let tail = null, big = null, bigHave = 0; // big: one large packet being filled in place
  socket.on("data", (data) => {
    let chunk = data;
    if (big) {
      const n = Math.min(data.length, big.length - bigHave);
      data.copy(big, bigHave, 0, n);
      bigHave += n;
      if (bigHave < big.length) return;
      chunk = n < data.length ? Buffer.concat([big, data.subarray(n)]) : big;
      big = null;
    } else if (tail) chunk = Buffer.concat([tail, data]);
    const used = handle(socket, chunk);
    tail = used < chunk.length ? chunk.subarray(used) : null;
    if (tail && packetLength(tail) > 65536) { big = Buffer.allocUnsafe(packetLength(tail)); bigHave = tail.copy(big); tail = null; }
    for (const [target, list] of pending) target.write(list.length === 1 ? list[0] : Buffer.concat(list));
    pending.clear();
  });
  socket.on("error", () => socket.destroy());
  socket.on("close", () => { for (const list of subscribers.values()) { const k = list.indexOf(socket); if (k >= 0) list.splice(k, 1); } });
}).listen(arg("port"), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
