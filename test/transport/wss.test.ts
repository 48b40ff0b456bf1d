// Secure WebSocket (uWS SSLApp) with real clients: mqtt.js over wss://, the server certificate checked
// against the test's CA, and reloadCertificates() swapping it while an old connection stays up.
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import tls from "node:tls";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createBroker, type Broker, type ClientInfo } from "../../host/index.ts";
import { makeCertificates } from "../helpers/certificates.ts";

const certs = makeCertificates();
afterAll(() => certs.remove());

let broker: Broker | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.end(true);
  await broker?.close();
  broker = undefined;
});

function connect(port: number): Promise<MqttClient> {
  const client = mqtt.connect(`wss://localhost:${port}/mqtt`, { ca: readFileSync(certs.ca), reconnectPeriod: 0 });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", reject);
  });
}

/** The CN of the certificate a fresh TLS connection to the port is shown. */
function peerName(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca: readFileSync(certs.ca), servername: "localhost" }, () => {
      resolve(socket.getPeerCertificate().subject.CN as string);
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

describe("wss listener", () => {
  it("serves mqtt.js over wss:// with a certificate the client verifies; the client record says wss", async () => {
    const seen: ClientInfo[] = [];
    broker = await createBroker({
      listeners: [{ type: "wss", host: "127.0.0.1", port: 0, cert: certs.server.cert, key: certs.server.key }],
      hooks: { authenticate: ({ client }) => { seen.push(client); return true; } },
    });
    const { port } = await broker.listen();
    const client = await connect(port);
    const got = new Promise<string>((resolve) => client.on("message", (_t, payload) => resolve(payload.toString())));
    await client.subscribeAsync("wss/1", { qos: 1 });
    await client.publishAsync("wss/1", "over wss", { qos: 1 });
    expect(await got).toBe("over wss");
    expect(seen[0]).toMatchObject({ transport: "wss", remoteAddress: "127.0.0.1" });
  });

  it("reloadCertificates() shows new connections (by server name) the new certificate; old connections stay up", async () => {
    const cert = join(certs.dir, "wss-live.crt");
    const key = join(certs.dir, "wss-live.key");
    copyFileSync(certs.server.cert, cert);
    copyFileSync(certs.server.key, key);
    broker = await createBroker({ listeners: [{ type: "wss", port: 0, cert, key }] });
    const { port } = await broker.listen();
    const old = await connect(port);
    expect(await peerName(port)).toBe("localhost");
    copyFileSync(certs.server2.cert, cert);
    copyFileSync(certs.server2.key, key);
    await broker.reloadCertificates();
    expect(await peerName(port)).toBe("localhost-2");
    const middle = await connect(port);
    // A second reload (back to the first certificate) drops the contexts of the first; their connections stay.
    copyFileSync(certs.server.cert, cert);
    copyFileSync(certs.server.key, key);
    await broker.reloadCertificates();
    expect(await peerName(port)).toBe("localhost");
    const fresh = await connect(port);
    const got = Promise.all([old, middle].map((c) => new Promise<string>((resolve) => c.on("message", (_t, payload) => resolve(payload.toString())))));
    await old.subscribeAsync("wss/reload", { qos: 1 });
    await middle.subscribeAsync("wss/reload", { qos: 1 });
    await fresh.publishAsync("wss/reload", "still up", { qos: 1 });
    expect(await got).toEqual(["still up", "still up"]);
  });
});
