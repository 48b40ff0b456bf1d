// The brokers under test, each started as its own process on 127.0.0.1 and a free port: quarkmq, Aedes,
// Mosquitto (own generated config, never the system service), the ceiling forwarder, and a bare
// node:net server (the connect-rate reference of `conns`).
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const root = new URL("../../", import.meta.url).pathname;

export interface BrokerKind {
  name: string;
  /** null when it can run here, else why not. */
  unavailable(): string | null;
  /** httpPort: a second free port, for brokers whose `httpFlag()` is set. */
  command(port: number, httpPort: number): { cmd: string; args: string[] };
  version(): string;
  /** The flag that enables the broker's HTTP endpoint, when it has one. */
  httpFlag?: () => string | undefined;
}

const tsx = ["--import", "tsx"];
/** Extra node flags for quarkmq, e.g. `--cpu-prof --cpu-prof-dir DIR` (run.ts --profile DIR). */
export const quarkmqNodeFlags: string[] = [];
const pkgVersion = (name: string) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version as string;
const onPath = (bin: string) => { try { return execFileSync("sh", ["-c", `command -v ${bin}`]).toString().trim(); } catch { return ""; } };

let helpText: string | undefined;
/** `--http-port` when quarkmq's CLI lists it (the `http` scenario then loads `/health`, or QUARKMQ_BENCH_HTTP_PATH). */
function quarkmqHttpFlag(): string | undefined {
  if (!existsSync(join(root, "host/cli.ts"))) return undefined;
  helpText ??= execFileSync(process.execPath, [...tsx, "host/cli.ts", "--help"], { cwd: root }).toString();
  return /--http-port\b/.test(helpText) ? "--http-port" : undefined;
}

function mosquittoConfig(port: number, persistence = false): string {
  const dir = mkdtempSync(join(tmpdir(), "quarkmq-bench-"));
  const file = join(dir, "mosquitto.conf");
  writeFileSync(file, [
    `listener ${port} 127.0.0.1`, "allow_anonymous true", ...(persistence ? ["persistence true", `persistence_location ${dir}/`] : ["persistence false"]),
    "log_dest stderr", "log_type error",
    "max_queued_messages 10000", "max_inflight_messages 100", "max_connections -1", "set_tcp_nodelay true", "",
  ].join("\n"));
  return file;
}

export const brokerKinds: Record<string, BrokerKind> = {
  quarkmq: {
    name: "quarkmq",
    unavailable: () => (existsSync(join(root, "host/cli.ts")) || existsSync(join(root, "host/index.ts")) ? null : "host/cli.ts and host/index.ts are not there yet"),
    command: (port, httpPort) => existsSync(join(root, "host/cli.ts"))
      ? { cmd: process.execPath, args: [...quarkmqNodeFlags, ...tsx, "host/cli.ts", "--port", String(port), "--host", "127.0.0.1", "--log-level", "warn", "--no-persistence", ...(httpPort ? [quarkmqHttpFlag()!, String(httpPort)] : [])] }
      : { cmd: process.execPath, args: [...quarkmqNodeFlags, ...tsx, "bench/brokers/quarkmq-server.ts", "--port", String(port)] },
    version: () => pkgVersion("../"),
    httpFlag: quarkmqHttpFlag,
  },
  /** quarkmq with its lmdb store in a fresh directory (the binary's default, persistence on). */
  "quarkmq-lmdb": {
    name: "quarkmq-lmdb",
    unavailable: () => (existsSync(join(root, "host/store/lmdb.ts")) ? null : "host/store/lmdb.ts is not there yet"),
    command: (port) => ({ cmd: process.execPath, args: [...quarkmqNodeFlags, ...tsx, "host/cli.ts", "--port", String(port), "--host", "127.0.0.1", "--log-level", "warn",
      "--data-dir", join(mkdtempSync(join(tmpdir(), "quarkmq-bench-data-")), "data")] }),
    version: () => pkgVersion("../"),
  },
  /** Mosquitto with `persistence true`: an in-memory state written out every autosave_interval (1800 s) and at exit. */
  "mosquitto-persistent": {
    name: "mosquitto-persistent",
    unavailable: () => (onPath("mosquitto") ? null : "mosquitto is not on PATH (apt-get install -y mosquitto)"),
    command: (port) => ({ cmd: onPath("mosquitto"), args: ["-c", mosquittoConfig(port, true)] }),
    version: () => brokerKinds.mosquitto!.version(),
  },
  aedes: {
    name: "aedes",
    unavailable: () => null,
    command: (port) => ({ cmd: process.execPath, args: ["bench/brokers/aedes-server.mjs", "--port", String(port)] }),
    version: () => pkgVersion("aedes"),
  },
  mosquitto: {
    name: "mosquitto",
    unavailable: () => (onPath("mosquitto") ? null : "mosquitto is not on PATH (apt-get install -y mosquitto)"),
    command: (port) => ({ cmd: onPath("mosquitto"), args: ["-c", mosquittoConfig(port)] }),
    version: () => { try { return /version ([\d.]+)/.exec(execFileSync(onPath("mosquitto"), ["-h"], { stdio: ["ignore", "pipe", "ignore"] }).toString())?.[1] ?? "?"; } catch (e) { return /version ([\d.]+)/.exec(String((e as { stdout?: Buffer }).stdout ?? ""))?.[1] ?? "?"; } },
  },
  ceiling: {
    name: "ceiling",
    unavailable: () => null,
    command: (port) => ({ cmd: process.execPath, args: ["bench/brokers/ceiling.mjs", "--port", String(port)] }),
    version: () => process.version,
  },
  net: {
    name: "net",
    unavailable: () => null,
    command: (port) => ({ cmd: process.execPath, args: ["bench/brokers/net-server.mjs", "--port", String(port)] }),
    version: () => process.version,
  },
};

/** The ceiling forwarder with a fault injected (e.g. ["--drop-every", "1000"]), to show the verifier catches it. */
export function faultyCeiling(fault: string[]): BrokerKind {
  return { ...brokerKinds.ceiling, name: `ceiling ${fault.join(" ")}`, command: (port) => ({ cmd: process.execPath, args: ["bench/brokers/ceiling.mjs", "--port", String(port), ...fault] }) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface RunningBroker { kind: BrokerKind; pid: number; port: number; httpPort: number; child: ChildProcess; stop(): Promise<void> }

/** Starts a broker and resolves once its port accepts connections (or rejects with its stderr). */
export async function startBroker(kind: BrokerKind, withHttp = false): Promise<RunningBroker> {
  const port = await freePort();
  const httpPort = withHttp && kind.httpFlag?.() ? await freePort() : 0;
  const { cmd, args } = kind.command(port, httpPort);
  const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "ignore", "pipe"], });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  let exited: number | null = null;
  child.on("exit", (code) => (exited = code ?? -1));
  const stop = () => new Promise<void>((resolve) => {
    if (exited !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 3000).unref();
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited !== null) throw new Error(`${kind.name} exited (${exited}) on start: ${stderr.trim()}`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect({ port, host: "127.0.0.1" }, () => { s.destroy(); r(true); });
      s.on("error", () => r(false));
    });
    if (ok) break;
    if (Date.now() > deadline) { await stop(); throw new Error(`${kind.name} did not listen on ${port} within 20 s: ${stderr.trim()}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { kind, pid: child.pid!, port, httpPort, child, stop };
}
