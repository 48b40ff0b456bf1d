// The `listeners` list: read from a real YAML file (defaults per type, paths resolved, every problem named),
// the single-listener flags, and a broker that opens a tcp and a ws listener and serves mqtt.js on both.
import { join } from "node:path";
import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../host/config/load.ts";
import { effectiveListeners } from "../../host/config/listeners.ts";
import { createBroker } from "../../host/index.ts";
import { configDir, problems } from "../helpers/config-files.ts";

const { dir, file } = configDir("quarkmq-listeners-");

describe("listeners in the config", () => {
  it("keeps one TCP listener on 127.0.0.1:1883 by default", () => {
    const { options } = loadConfig({ env: {} });
    expect(options.listeners).toBeUndefined();
    expect(effectiveListeners(options)).toEqual([{ type: "tcp", host: "127.0.0.1", port: 1883 }]);
  });

  it("reads a list with each type's default port and file paths relative to the config file", () => {
    const path = file("l.yaml", [
      "listeners:",
      "  - { type: tcp }",
      "  - { type: tls, cert: s.crt, key: s.key, requireCert: true, ca: ca.crt }",
      "  - { type: ws, host: 0.0.0.0, path: [/mqtt, /ws] }",
      "  - { type: wss, cert: /etc/s.crt, key: /etc/s.key }",
      "  - { type: tcp, port: 1884, proxyProtocol: true }",
    ].join("\n"));
    const listeners = effectiveListeners(loadConfig({ configPath: path, env: {} }).options);
    expect(listeners).toEqual([
      { type: "tcp", host: "127.0.0.1", port: 1883 },
      { type: "tls", host: "127.0.0.1", port: 8883, cert: join(dir, "s.crt"), key: join(dir, "s.key"), ca: join(dir, "ca.crt"), requireCert: true },
      { type: "ws", host: "0.0.0.0", port: 8083, path: ["/mqtt", "/ws"] },
      { type: "wss", host: "127.0.0.1", port: 8084, cert: "/etc/s.crt", key: "/etc/s.key" },
      { type: "tcp", host: "127.0.0.1", port: 1884, proxyProtocol: true },
    ]);
  });

  it("names every problem: unknown type, unknown key with a did-you-mean, a bad value, tls without a key, tcp and listeners both", () => {
    const path = file("bad.yaml", [
      "tcp: { port: 1 }",
      "listeners:",
      "  - { type: quic }",
      "  - { type: ws, pathh: /mqtt }",
      "  - { type: tcp, port: 70000 }",
      "  - { type: tls, cert: s.crt }",
      "  - { type: ws, proxyProtocol: true }",
    ].join("\n"));
    expect(problems(() => loadConfig({ configPath: path, env: {} }))).toEqual([
      `${path}: listeners: give either tcp (a single TCP listener) or listeners, not both`,
      `${path}: listeners[0].type: expected one of tcp, tls, ws, wss, got "quic"`,
      `${path}: listeners[1] (ws): unknown key "pathh" (did you mean "path"?)`,
      `${path}: listeners[2].port: expected an integer from 0 to 65535, got 70000`,
      `${path}: listeners[3]: a tls listener needs cert and key`,
      `${path}: listeners[4] (ws): unknown key "proxyProtocol"`,
    ]);
  });

  it("adds listeners from flags and QUARKMQ_* variables next to the tcp shorthand", () => {
    const env = { QUARKMQ_WS_PORT: "9001", QUARKMQ_TLS_CERT: "/c.pem", QUARKMQ_TLS_KEY: "/k.pem" };
    const { options } = loadConfig({ env, flags: { host: "0.0.0.0", tlsPort: "9883", port: "1999" } });
    expect(effectiveListeners(options)).toEqual([
      { type: "tcp", host: "0.0.0.0", port: 1999 },
      { type: "tls", host: "0.0.0.0", port: 9883, cert: "/c.pem", key: "/k.pem" },
      { type: "ws", host: "0.0.0.0", port: 9001 },
    ]);
    expect(problems(() => loadConfig({ env: {}, flags: { wssPort: "1" } }))).toEqual([
      "--tls-port and --wss-port need --tls-cert and --tls-key (QUARKMQ_TLS_CERT, QUARKMQ_TLS_KEY)",
    ]);
  });

  it("applies --port and --host to the first tcp listener of the list", () => {
    const path = file("p.yaml", "listeners:\n  - { type: ws, port: 1 }\n  - { type: tcp, port: 2 }\n");
    const { options } = loadConfig({ configPath: path, env: {}, flags: { port: "3", host: "::1" } });
    expect(effectiveListeners(options)).toEqual([
      { type: "ws", host: "127.0.0.1", port: 1 },
      { type: "tcp", host: "::1", port: 3 },
    ]);
  });
});

describe("broker.listen() with several listeners", () => {
  it("opens every listener, reports each address, and serves mqtt.js on tcp and ws alike", async () => {
    const broker = await createBroker({ listeners: [{ type: "tcp", port: 0 }, { type: "ws", port: 0 }] });
    try {
      const address = await broker.listen();
      expect(address.listeners.map((l) => l.type)).toEqual(["tcp", "ws"]);
      expect(address.port).toBe(address.listeners[0]!.port);
      const transports: string[] = [];
      broker.hooks.onConnect = ({ client }) => { transports.push(client.transport!); };
      const [tcp, ws] = address.listeners;
      const subscriber = mqtt.connect(`mqtt://127.0.0.1:${tcp!.port}`, { reconnectPeriod: 0 });
      const publisher = mqtt.connect(`ws://127.0.0.1:${ws!.port}/mqtt`, { reconnectPeriod: 0 });
      try {
        const received = new Promise<string>((resolve) => subscriber.on("message", (_t, payload) => resolve(payload.toString())));
        await subscriber.subscribeAsync("t/1", { qos: 1 });
        await new Promise((resolve) => publisher.once("connect", resolve));
        await publisher.publishAsync("t/1", "over ws", { qos: 1 });
        expect(await received).toBe("over ws");
        expect(transports.sort()).toEqual(["tcp", "ws"]);
      } finally {
        subscriber.end(true);
        publisher.end(true);
      }
    } finally {
      await broker.close();
    }
  });

  it("closes the listeners already open when one cannot listen", async () => {
    const first = await createBroker({ listeners: [{ type: "tcp", port: 0 }] });
    const { port } = await first.listen();
    const second = await createBroker({ listeners: [{ type: "ws", port: 0 }, { type: "tcp", port }] });
    try {
      await expect(second.listen()).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
