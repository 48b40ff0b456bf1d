// A broker in a child process (node --import tsx --expose-gc): its port, its snapshot (stats, memory,
// subscription count) after an optional full gc, whether it exited (a crash), and close() that always ends it.
import { fork, type ChildProcess } from "node:child_process";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { BrokerOptions } from "../../host/index.ts";

export interface BrokerSnapshot {
  stats: { connections: number; messagesIn: number; messagesOut: number; dropped: number; protocolErrors: number; packetsTooLarge: number; bytesIn: number; bytesOut: number };
  memory: NodeJS.MemoryUsage;
  /** CPU time the broker process used so far, µs. */
  cpu: NodeJS.CpuUsage;
  wasmBytes: number;
  subscriptionCount: number;
  retainedCount: number;
  connections: number;
  sessions: number;
  /** Subscriptions of the session asked for, -1 when there is none. */
  sessionSubscriptions: number;
  /** QoS 1/2 messages of that session waiting, and in flight; -1 when there is none. */
  sessionQueued: number;
  sessionInflight: number;
  /** Errors handlers threw that were not MqttErrors (broker bugs), and the first few stacks. */
  internalErrorCount: number;
  internalErrors: string[];
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class ChildBroker {
  port = 0;
  exitCode: number | null | undefined;
  exitSignal: NodeJS.Signals | null = null;
  stderr = "";
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly child: ChildProcess) {
    child.stderr!.on("data", (chunk: Buffer) => { this.stderr += chunk.toString(); });
    child.on("message", (message: { id?: number; value?: unknown }) => {
      if (message.id === undefined) return;
      this.pending.get(message.id)?.resolve(message.value);
      this.pending.delete(message.id);
    });
    child.on("exit", (code, signal) => {
      this.exitCode = code;
      this.exitSignal = signal;
      for (const p of this.pending.values()) p.reject(new Error(`broker exited (${code ?? signal}): ${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Starts a broker on 127.0.0.1:0 in a child process; resolves when it listens. */
  static start(options: Partial<Omit<BrokerOptions, "hooks">> = {}): Promise<ChildBroker> {
    const entry = new URL("./broker-process.ts", import.meta.url).pathname;
    const child = fork(entry, [JSON.stringify(options)], {
      execArgv: ["--import", "tsx", "--expose-gc", ...(process.env.QMQ_CHILD_ARGS ? process.env.QMQ_CHILD_ARGS.split(" ") : [])],
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    const broker = new ChildBroker(child);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error("child broker did not start")); }, 15_000);
      child.once("message", (message: { port: number }) => {
        clearTimeout(timer);
        broker.port = message.port;
        resolve(broker);
      });
      child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`child broker exited ${code}: ${broker.stderr}`)); });
    });
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  private request<T>(cmd: string, clientId?: string): Promise<T> {
    if (!this.alive) return Promise.reject(new Error(`broker exited (${this.exitCode ?? this.exitSignal}): ${this.stderr}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`no reply to ${cmd}`)); }, 15_000);
      this.pending.set(id, {
        resolve: (value) => { clearTimeout(timer); resolve(value as T); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      this.child.send({ id, cmd, clientId });
    });
  }

  snapshot(clientId?: string): Promise<BrokerSnapshot> {
    return this.request("snapshot", clientId);
  }

  /** A snapshot taken right after two full collections. */
  gcSnapshot(clientId?: string): Promise<BrokerSnapshot> {
    return this.request("gc", clientId);
  }

  /** Closes the broker gracefully, killing it after 5 s. */
  async close(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await this.request("close").catch(() => {});
    await exited;
    clearTimeout(timer);
  }
}

/** Polls `condition` every 20 ms until it holds; throws with `what` after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const MB = 1 << 20;

/** A connected mqtt.js client of a child broker (no reconnect); rejects on refusal or after 5 s. `onMessage` is
 *  attached before CONNECT goes out (a session's queued messages can arrive with the CONNACK). */
export function connectClient(port: number, options: IClientOptions = {}, onMessage?: (topic: string, payload: Buffer) => void): Promise<MqttClient> {
  const client = mqtt.connect({ host: "127.0.0.1", port, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...options });
  client.on("error", () => {});
  if (onMessage !== undefined) client.on("message", onMessage);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { client.end(true); reject(new Error("connect timeout")); }, 5000);
    client.once("connect", () => { clearTimeout(timer); resolve(client); });
    client.once("error", (error) => { clearTimeout(timer); client.end(true); reject(error); });
  });
}
