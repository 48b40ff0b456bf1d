// The HTTP face of the `quarkmq` binary: --http-port and QUARKMQ_ADMIN_TOKEN turn it on, the listening
// log line names its port, the admin API publishes to a mosquitto_sub subscriber, SIGTERM still exits 0.
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { request } from "../helpers/http-request.ts";
import { QuarkmqProcess } from "../helpers/quarkmq-process.ts";

const token = "binary-test-token-0123456789";
let running: QuarkmqProcess | undefined;
afterEach(async () => { await running?.stop("SIGKILL").catch(() => undefined); running = undefined; });

describe("quarkmq --http-port", () => {
  it("serves /health and the admin API; a mosquitto_sub subscriber receives an API publish; SIGTERM exits 0", async () => {
    running = new QuarkmqProcess(["--port", "0", "--http-port", "0", "--sys-interval", "0"], { QUARKMQ_ADMIN_TOKEN: token });
    const line = await running.waitForLog((l) => l.msg === "quarkmq listening");
    const { port, http } = line as unknown as { port: number; http: { port: number } };
    expect((await request(http.port, "/health")).json).toEqual({ status: "ok" });
    const sub = spawn("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(port), "-t", "from/api", "-C", "1", "-W", "10", "-q", "1"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    sub.stdout.on("data", (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((resolve) => sub.on("exit", resolve));
    for (let i = 0; i < 100; i++) {
      const clients = await request(http.port, "/api/v1/clients", { headers: { authorization: `Bearer ${token}` } });
      if (clients.json.clients.some((c: { subscriptions: unknown[] }) => c.subscriptions.length > 0)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const published = await request(http.port, "/api/v1/publish", {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ topic: "from/api", payload: "hello mosquitto", qos: 1 }),
    });
    expect(published.status).toBe(200);
    expect(await exited).toBe(0);
    expect(out).toBe("hello mosquitto\n");
    expect(await running.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    running = undefined;
  });
});
