// GET /health and /ready over a real socket: 200 while serving, 503 while the broker shuts down, JSON
// errors for unknown paths and methods; the HTTP listener is off unless configured and closed by close().
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../host/config/load.ts";
import { createBroker } from "../../host/index.ts";
import { Harness, once } from "../helpers/broker.ts";
import { request } from "../helpers/http-request.ts";
import { connectBytes } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

/** A port free a moment ago (the HTTP listener must be up before listen() fails on the MQTT port). */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function start(): Promise<number> {
  await h.start({ http: { host: "127.0.0.1", port: 0 }, sysInterval: 0 });
  return h.httpPort;
}

describe("health and readiness", () => {
  it("/health and /ready answer 200 with JSON while the broker serves", async () => {
    const port = await start();
    const health = await request(port, "/health");
    expect([health.status, health.headers["content-type"], health.json]).toEqual([200, "application/json", { status: "ok" }]);
    const ready = await request(port, "/ready");
    expect([ready.status, ready.json]).toEqual([200, { status: "ready" }]);
    expect((await request(port, "/health?probe=1")).status).toBe(200);
  });

  it("/health and /ready answer 503 while close() waits for connections, then the HTTP port closes", async () => {
    const port = await start();
    // A v5 client that does not close its side when the broker ends the connection keeps close() waiting (up to 2 s).
    const socket = net.connect({ host: "127.0.0.1", port: h.port, allowHalfOpen: true });
    await once(socket, "connect");
    socket.write(Buffer.from(connectBytes({ level: 5, clientId: "lingering" })));
    await once(socket, "data");
    const ended = once(socket, "end");
    const closing = h.broker.close();
    await ended; // DISCONNECT 0x8B and FIN arrived: the broker is shutting down
    const health = await request(port, "/health");
    expect([health.status, health.json]).toEqual([503, { status: "shutting_down" }]);
    expect((await request(port, "/ready")).status).toBe(503);
    socket.end();
    await closing;
    await expect(request(port, "/health")).rejects.toThrow(/ECONNREFUSED/);
  });

  it("/ready answers 503 while the MQTT listener is not up (its port taken), /health 200", async () => {
    const taken = net.createServer().listen(0, "127.0.0.1");
    await once(taken, "listening");
    const httpPort = await freePort();
    const broker = await createBroker({ tcp: { host: "127.0.0.1", port: (taken.address() as net.AddressInfo).port }, http: { host: "127.0.0.1", port: httpPort } });
    try {
      await expect(broker.listen()).rejects.toThrow(/EADDRINUSE/);
      const ready = await request(httpPort, "/ready");
      expect([ready.status, ready.json]).toEqual([503, { status: "starting" }]);
      expect((await request(httpPort, "/health")).status).toBe(200);
    } finally {
      await broker.close();
      taken.close();
    }
  });

  it("an unknown path is 404 and a wrong method 405, both as JSON", async () => {
    const port = await start();
    const missing = await request(port, "/nothing/here");
    expect([missing.status, missing.json.error]).toEqual([404, "not_found"]);
    const wrong = await request(port, "/health", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect([wrong.status, wrong.json.error]).toEqual([405, "method_not_allowed"]);
  });

  it("the HTTP listener is off unless configured", async () => {
    await h.start({ sysInterval: 0 });
    expect(h.httpPort).toBe(0);
  });
});

describe("HTTP configuration", () => {
  it("an http section, QUARKMQ_HTTP_PORT or --http-port turns HTTP on; the admin token alone does not", () => {
    expect(loadConfig({ env: {} }).options.http).toBe(false);
    expect(loadConfig({ env: { QUARKMQ_ADMIN_TOKEN: "a-token-of-16-chars-or-more" } }).options.http).toBe(false);
    expect(loadConfig({ env: { QUARKMQ_HTTP_PORT: "9090", QUARKMQ_ADMIN_TOKEN: "a-token-of-16-chars-or-more" } }).options.http)
      .toEqual({ host: "127.0.0.1", port: 9090, adminToken: "a-token-of-16-chars-or-more" });
    expect(loadConfig({ env: {}, flags: { httpHost: "0.0.0.0" } }).options.http).toEqual({ host: "0.0.0.0", port: 8081 });
    expect(() => loadConfig({ env: { QUARKMQ_ADMIN_TOKEN: "short" } })).toThrow(/at least 16 characters/);
    expect(loadConfig({ env: { QUARKMQ_SYS_INTERVAL: "0" } }).options.sysInterval).toBe(0);
  });
});
