// Entry of a broker run in a child process (see child-broker.ts): the robustness tests measure its
// memory apart from their own clients and see it crash. Options arrive as JSON in argv[2]; requests over IPC.
import { MqttError, createBroker } from "../../host/index.ts";

const options = JSON.parse(process.argv[2] ?? "{}");
const broker = await createBroker({ tcp: { host: "127.0.0.1", port: 0 }, ...options });
const { port } = await broker.listen();
/** Errors a handler threw that are not protocol errors: broker bugs (the first few, with their stacks). */
const internalErrors: string[] = [];
let internalErrorCount = 0;
broker.on("clientError", ({ error }) => {
  if (error instanceof MqttError) return;
  internalErrorCount++;
  if (internalErrors.length < 5) internalErrors.push(error.stack ?? String(error));
});

/** What the parent sees of the broker: counters, sizes, and process memory. */
function snapshot(clientId?: string) {
  const session = clientId === undefined ? undefined : broker.sessions.get(clientId);
  return {
    stats: { ...broker.stats },
    memory: process.memoryUsage(),
    cpu: process.cpuUsage(),
    wasmBytes: broker.core.memory.buffer.byteLength,
    subscriptionCount: broker.topics.subscriptionCount,
    retainedCount: broker.retained.count,
    connections: broker.connections.size,
    sessions: broker.sessions.byClientId.size,
    sessionSubscriptions: session?.subscriptions.size ?? -1,
    sessionQueued: session?.queue.length ?? -1,
    sessionInflight: session?.inflight.size ?? -1,
    internalErrorCount,
    internalErrors,
  };
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc");
  gc();
  gc();
}

interface Request { id: number; cmd: "snapshot" | "gc" | "close"; clientId?: string }

process.on("message", async (request: Request) => {
  if (request.cmd === "gc") collect();
  if (request.cmd === "close") {
    await broker.close();
    process.send!({ id: request.id, value: null }, () => process.exit(0));
    return;
  }
  process.send!({ id: request.id, value: snapshot(request.clientId) });
});
process.on("disconnect", () => process.exit(0));
process.send!({ port });
