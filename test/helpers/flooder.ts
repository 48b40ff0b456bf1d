// Publishers flooding QoS 0 from a process of their own (run by fork with tsx; see startFlooders), so a test measures a
// bystander's latency without its own event loop busy writing the flood. Each socket connects (3.1.1) and writes
// PUBLISH packets to `flood/<i>` at a steady rate, in batches every TICK_MS, skipping a batch while its socket is backed
// up; it stops after `seconds` or when the parent disconnects. argv: port sockets messagesPerSecond payloadBytes seconds.
import { fork } from "node:child_process";
import net from "node:net";
import { connectBytes, publishBytes } from "./packets.ts";

const TICK_MS = 10;

/** What the parent holds: stop() ends the flood and resolves with the messages written. */
export interface Flooders {
  stop(): Promise<number>;
}

/** Starts the flood in a child process; resolves once every socket is connected and flooding. */
export function startFlooders(port: number, sockets: number, messagesPerSecond: number, payloadBytes: number, seconds: number): Promise<Flooders> {
  const child = fork(new URL(import.meta.url).pathname, [String(port), String(sockets), String(messagesPerSecond), String(payloadBytes), String(seconds)], {
    execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const done = new Promise<number>((resolve) => {
    let written = 0;
    child.on("message", (message: { written?: number }) => { if (message.written !== undefined) written = message.written; });
    child.once("exit", () => resolve(written));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error("flooders did not start")); }, 15_000);
    child.once("message", () => {
      clearTimeout(timer);
      resolve({ stop: () => { child.send("stop"); return done; } });
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`flooders exited ${code}`)); });
  });
}

async function flood(port: number, count: number, rate: number, payloadBytes: number, seconds: number): Promise<void> {
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const payload = "x".repeat(payloadBytes);
  const sockets = await Promise.all(Array.from({ length: count }, (_, i) => new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
    socket.on("data", () => {}); // CONNACK
    socket.write(connectBytes({ clientId: `flooder-${i}`, keepAlive: 0 }));
  })));
  const batches = sockets.map((_, i) => Buffer.concat(Array.from({ length: perTick }, () => publishBytes(4, `flood/${i}`, payload))));
  let written = 0;
  let stopped = false;
  process.on("message", () => { stopped = true; });
  process.on("disconnect", () => { stopped = true; });
  process.send!({ ready: true });
  const end = Date.now() + seconds * 1000;
  while (!stopped && Date.now() < end) {
    for (let i = 0; i < sockets.length; i++) {
      if (sockets[i]!.writableNeedDrain) continue;
      sockets[i]!.write(batches[i]!);
      written += perTick;
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  for (const socket of sockets) socket.destroy();
  if (process.connected) process.send!({ written }, () => process.exit(0));
  else process.exit(0);
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [port, count, rate, payloadBytes, seconds] = process.argv.slice(2).map(Number) as [number, number, number, number, number];
  await flood(port, count, rate, payloadBytes, seconds);
}
