// A real browser: headless Chromium (Debian's /usr/bin/chromium, driven by puppeteer-core) loads a page
// served by this test with mqtt.js's browser bundle, which subscribes and publishes through quarkmq over
// WebSocket; the assertion is the round-tripped message read back from the page.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { describe, expect, it } from "vitest";
import { createBroker, type ClientInfo } from "../../host/index.ts";

const bundle = readFileSync(new URL("../../node_modules/mqtt/dist/mqtt.min.js", import.meta.url));

/** The page: connects to the broker named in its query string, subscribes, publishes, and reports in window.result. */
const page = `<!doctype html><meta charset="utf-8"><title>quarkmq</title><script src="/mqtt.min.js"></script>
<script>
  const port = new URLSearchParams(location.search).get("port");
  const client = mqtt.connect("ws://127.0.0.1:" + port + "/mqtt", { clientId: "browser-1", reconnectPeriod: 0 });
  client.on("error", (error) => { window.result = "error: " + error.message; });
  client.on("message", (topic, payload) => { window.result = topic + " " + payload.toString(); client.end(); });
  client.on("connect", () => {
    client.subscribe("browser/echo", { qos: 1 }, () => client.publish("browser/echo", "hello from chromium " + navigator.userAgent.includes("Chrome"), { qos: 1 }));
  });
</script>`;

/** Flags for a closed network and root: no sandbox, no background connections, a fresh profile. */
const flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

describe("a browser over WebSocket", () => {
  it("[MQTT-6.0.0-4] mqtt.js in headless Chromium subscribes and publishes through quarkmq; the page reads the message back", async () => {
    const seen: ClientInfo[] = [];
    const broker = await createBroker({ listeners: [{ type: "ws", port: 0 }], hooks: { onConnect: ({ client }) => { seen.push(client); } } });
    const server = http.createServer((request, response) => {
      if (request.url === "/mqtt.min.js") response.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle);
      else response.writeHead(200, { "Content-Type": "text/html" }).end(page);
    });
    const profile = mkdtempSync(join(tmpdir(), "quarkmq-chromium-"));
    let browser: Awaited<ReturnType<typeof puppeteer.launch>> | undefined;
    try {
      const { port } = await broker.listen();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const pagePort = (server.address() as AddressInfo).port;
      browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true, args: [...flags, `--user-data-dir=${profile}`] });
      const tab = await browser.newPage();
      await tab.goto(`http://127.0.0.1:${pagePort}/?port=${port}`);
      await tab.waitForFunction(() => (window as unknown as { result?: string }).result !== undefined, { timeout: 15_000 });
      const result = await tab.evaluate(() => (window as unknown as { result: string }).result);
      expect(result).toBe("browser/echo hello from chromium true");
      expect(seen[0]).toMatchObject({ clientId: "browser-1", transport: "ws" });
    } finally {
      await browser?.close();
      await new Promise((resolve) => server.close(resolve));
      await broker.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 60_000);
});
