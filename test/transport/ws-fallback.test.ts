// Where uWebSockets.js has no native binary (forced here with its UWS_USE_FALLBACK switch, in this test
// file's own process): the broker says so once, ws listeners still serve MQTT, a wss listener refuses to start.
import mqtt from "mqtt";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createBroker } from "../../host/index.ts";
import { RawWsClient } from "../helpers/ws-client.ts";

process.env.UWS_USE_FALLBACK = "1"; // read when uWebSockets.js loads: at the first ws listen below

describe("ws without uWebSockets.js's native binary", () => {
  it("logs the fallback once, serves mqtt.js on two ws listeners and refuses a wrong subprotocol", async () => {
    const lines: string[] = [];
    const broker = await createBroker({
      listeners: [{ type: "ws", port: 0 }, { type: "ws", port: 0, path: "/other" }],
      logger: pino({ level: "info" }, { write: (line: string) => void lines.push(line) }),
    });
    try {
      const { listeners } = await broker.listen();
      expect(lines.filter((l) => l.includes("no native binary"))).toHaveLength(1);
      const client = mqtt.connect(`ws://127.0.0.1:${listeners[1]!.port}/other`, { reconnectPeriod: 0 });
      try {
        await new Promise((resolve, reject) => { client.once("connect", resolve); client.once("error", reject); });
        const got = new Promise<string>((resolve) => client.on("message", (_t, payload) => resolve(payload.toString())));
        await client.subscribeAsync("fallback/1", { qos: 1 });
        await client.publishAsync("fallback/1", "via ws package", { qos: 1 });
        expect(await got).toBe("via ws package");
      } finally {
        client.end(true);
      }
      const refused = await RawWsClient.upgrade(`ws://127.0.0.1:${listeners[0]!.port}/mqtt`, ["chat"]).then(() => undefined, (error: { status: number }) => error);
      expect(refused?.status).toBe(400);
    } finally {
      await broker.close();
    }
  });

  it("refuses to start a wss listener, saying why", async () => {
    const broker = await createBroker({ listeners: [{ type: "wss", port: 0, cert: "/nonexistent.crt", key: "/nonexistent.key" }] });
    await expect(broker.listen()).rejects.toThrow(/wss listener: uWebSockets.js has no native binary/);
    await broker.close();
  });
});
