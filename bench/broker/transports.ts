// The transports of the ws-pairs and tls-pairs scenarios: the load generator's client socket over TLS or
// WebSocket (a Duplex that reads and writes like a net.Socket), and each broker started with a ws or TLS
// listener on the port the harness gives (quarkmq by its flags, Mosquitto from a generated config, Aedes
// through bench/brokers/aedes-transport.mjs). The certificate is made once per run with openssl.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import WebSocket, { createWebSocketStream } from "ws";
import { brokerKinds, quarkmqNodeFlags, type BrokerKind } from "./brokers.ts";

export type BenchTransport = "tcp" | "tls" | "ws";

let current: BenchTransport = "tcp";

/** The load generator's transport for the job it runs (set from the scenario's params). */
export function useTransport(transport: BenchTransport | undefined): void {
  current = transport ?? "tcp";
}

/** A client connection to 127.0.0.1:port over the current transport. */
export function openSocket(port: number): net.Socket {
  if (current === "tls") return tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false }).setNoDelay(true);
  if (current === "ws") {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/mqtt`, ["mqtt"], { perMessageDeflate: false });
    ws.on("open", () => (ws as unknown as { _socket: net.Socket })._socket.setNoDelay(true));
    return createWebSocketStream(ws) as unknown as net.Socket;
  }
  return net.connect({ port, host: "127.0.0.1", noDelay: true });
}

let certificate: { cert: string; key: string } | undefined;

/** A self-signed certificate for 127.0.0.1 (the load generator does not verify it). */
function benchCertificate(): { cert: string; key: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), "quarkmq-bench-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1"], { cwd: dir, stdio: "ignore" });
  // Mosquitto started as root reads its files as the `mosquitto` user.
  chmodSync(dir, 0o755);
  chmodSync(join(dir, "key.pem"), 0o644);
  certificate = { cert: join(dir, "cert.pem"), key: join(dir, "key.pem") };
  return certificate;
}

/**
 * Mosquitto 2.0.11 does not start with a websockets listener alone (eclipse-mosquitto/mosquitto#2284): a unix
 * socket listener (unused) goes first. Its websockets listener also binds every interface whatever host is given
 * (#3045), and without libwebsockets' external poll it may add latency (#2578).
 */
function mosquittoConfig(port: number, transport: BenchTransport): string {
  const dir = mkdtempSync(join(tmpdir(), "quarkmq-bench-"));
  chmodSync(dir, 0o777); // the `mosquitto` user creates its unix socket here
  const file = join(dir, "mosquitto.conf");
  const listener = transport === "ws" ? ["protocol websockets"] : [`certfile ${benchCertificate().cert}`, `keyfile ${benchCertificate().key}`];
  writeFileSync(file, [
    ...(transport === "ws" ? [`listener 0 ${join(dir, "unused.sock")}`] : []),
    `listener ${port} 127.0.0.1`, ...listener, "allow_anonymous true", "persistence false", "log_dest stderr", "log_type error",
    "max_queued_messages 10000", "max_inflight_messages 100", "max_connections -1", "set_tcp_nodelay true", "",
  ].join("\n"));
  return file;
}

/** `kind` started with a ws or TLS listener (instead of TCP) on the harness's port. */
export function transportKind(kind: BrokerKind, transport: BenchTransport | undefined): BrokerKind {
  if (transport === undefined || transport === "tcp") return kind;
  const tlsFlags = () => ["--tls-cert", benchCertificate().cert, "--tls-key", benchCertificate().key];
  switch (kind.name) {
    case "quarkmq":
      return { ...kind, httpFlag: undefined, command: (port) => ({ cmd: process.execPath, args: [...quarkmqNodeFlags, "--import", "tsx", "host/cli.ts",
        "--port", "0", "--host", "127.0.0.1", "--log-level", "warn", "--no-persistence", ...(transport === "ws" ? ["--ws-port", String(port)] : ["--tls-port", String(port), ...tlsFlags()])] }) };
    case "mosquitto":
      return { ...kind, command: (port) => ({ cmd: brokerKinds.mosquitto.command(0, 0).cmd, args: ["-c", mosquittoConfig(port, transport)] }) };
    case "aedes":
      return { ...kind, command: (port) => ({ cmd: process.execPath, args: ["bench/brokers/aedes-transport.mjs", "--port", String(port), "--transport", transport,
        ...(transport === "tls" ? ["--cert", benchCertificate().cert, "--key", benchCertificate().key] : [])] }) };
    default:
      return { ...kind, unavailable: () => `${kind.name} has no ${transport} listener` };
  }
}
