// TLS listeners with real clients: mqtt.js over mqtts:// with and without a client certificate, refusals of
// a missing, wrong-CA and expired certificate, the TLS version floor, mosquitto_sub interop, and the
// `quarkmq` binary swapping its certificate on SIGHUP while an old connection stays up.
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createBroker, type Broker, type ClientInfo, type ListenerConfig } from "../../host/index.ts";
import { packet, str, u16 } from "../helpers/packets.ts";
import { makeCertificates, type Pair } from "../helpers/certificates.ts";
import { startQuarkmq } from "../helpers/quarkmq-process.ts";

const certs = makeCertificates();
afterAll(() => certs.remove());

let broker: Broker | undefined;
const clients: MqttClient[] = [];
let logs: string[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.end(true);
  await broker?.close();
  broker = undefined;
  logs = [];
});

async function start(listener: Partial<Extract<ListenerConfig, { type: "tls" }>>, seen?: ClientInfo[]): Promise<number> {
  broker = await createBroker({
    listeners: [{ type: "tls", port: 0, cert: certs.server.cert, key: certs.server.key, ...listener }],
    logger: pino({ level: "debug" }, { write: (line: string) => void logs.push(line) }),
    hooks: seen === undefined ? {} : { authenticate: ({ client }) => { seen.push(client); return true; } },
  });
  return (await broker.listen()).port;
}

function connect(port: number, pair?: Pair): Promise<MqttClient> {
  const client = mqtt.connect({
    protocol: "mqtts", host: "127.0.0.1", port, ca: readFileSync(certs.ca), servername: "localhost", reconnectPeriod: 0,
    ...(pair === undefined ? {} : { cert: readFileSync(pair.cert), key: readFileSync(pair.key) }),
  });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", reject);
  });
}

/** A raw TLS connection that sends CONNECT: resolves with the bytes it got before the server closed it. */
function refusedBytes(port: number, options: tls.ConnectionOptions): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = tls.connect({ host: "127.0.0.1", port, ca: readFileSync(certs.ca), servername: "localhost", ...options }, () => {
      socket.write(Uint8Array.from(packet(0x10, str("MQTT"), [4, 0x02], u16(60), str("refused"))));
    });
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

const pem = (pair: Pair) => ({ cert: readFileSync(pair.cert), key: readFileSync(pair.key) });

describe("tls listener", () => {
  it("serves mqtt.js over mqtts:// without a client certificate; the client record says tls", async () => {
    const seen: ClientInfo[] = [];
    const port = await start({}, seen);
    const client = await connect(port);
    const got = new Promise<string>((resolve) => client.on("message", (_t, payload) => resolve(payload.toString())));
    await client.subscribeAsync("tls/1", { qos: 1 });
    await client.publishAsync("tls/1", "secret", { qos: 1 });
    expect(await got).toBe("secret");
    expect(seen[0]).toMatchObject({ transport: "tls", remoteAddress: "127.0.0.1" });
    expect(seen[0]!.certificate).toBeUndefined();
  });

  it("gives the authenticate hook the verified client certificate (requireCert)", async () => {
    const seen: ClientInfo[] = [];
    const port = await start({ ca: certs.ca, requireCert: true }, seen);
    await connect(port, certs.client);
    expect(seen[0]!.transport).toBe("tls");
    expect(seen[0]!.certificate?.subject.CN).toBe("client-1");
    expect(seen[0]!.certificate?.issuer.CN).toBe("ca");
  });

  it("refuses, counts and logs a missing, a wrong-CA and an expired client certificate before any MQTT byte", async () => {
    const port = await start({ ca: certs.ca, requireCert: true });
    expect((await refusedBytes(port, {})).length).toBe(0);
    expect((await refusedBytes(port, pem(certs.wrongCaClient))).length).toBe(0);
    expect((await refusedBytes(port, pem(certs.expiredClient))).length).toBe(0);
    expect(broker!.stats.transportRefused).toBe(3);
    expect(broker!.stats.connections).toBe(0);
    const text = logs.join("");
    expect(text).toMatch(/client certificate refused: .*(UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to get local issuer)/i);
    expect(text).toMatch(/client certificate refused: .*(CERT_HAS_EXPIRED|certificate has expired)/i);
  });

  it("with requestCert alone lets a client without a certificate in, and keeps an unverified one out of the record", async () => {
    const seen: ClientInfo[] = [];
    const port = await start({ ca: certs.ca, requestCert: true }, seen);
    await connect(port);
    await connect(port, certs.wrongCaClient);
    expect(seen.map((c) => c.certificate)).toEqual([undefined, undefined]);
  });

  it("refuses a TLS version below the configured floor", async () => {
    const port = await start({ minVersion: "TLSv1.3" });
    expect((await refusedBytes(port, { maxVersion: "TLSv1.2" })).length).toBe(0);
    await connect(port); // TLS 1.3 gets in
    expect(broker!.stats.transportRefused).toBe(1);
  });

  it("interoperates with mosquitto_sub --cafile --cert --key", async () => {
    const port = await start({ ca: certs.ca, requireCert: true });
    const subscribed = new Promise<void>((resolve) => { broker!.hooks.onSubscribe = () => resolve(); });
    const output = new Promise<string>((resolve, reject) => {
      execFile("mosquitto_sub", ["-h", "localhost", "-p", String(port), "--cafile", certs.ca, "--cert", certs.client.cert,
        "--key", certs.client.key, "-t", "interop/tls", "-C", "1", "-W", "10", "-V", "mqttv311"],
      (error, stdout) => (error ? reject(error) : resolve(stdout)));
    });
    await subscribed;
    await broker!.publish({ topicName: "interop/tls", payload: "from quarkmq" });
    expect(await output).toBe("from quarkmq\n");
  });
});

describe("tls listener files", () => {
  it("reads a key encrypted with a passphrase; a wrong passphrase fails listen() and closes the listeners already open", async () => {
    const key = join(certs.dir, "server-encrypted.key");
    execFileSync("openssl", ["pkey", "-in", certs.server.key, "-aes256", "-passout", "pass:s3cret", "-out", key]);
    const port = await start({ key, passphrase: "s3cret" });
    await connect(port);
    await broker!.close();
    const free = net.createServer();
    await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
    const tcpPort = (free.address() as net.AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    broker = await createBroker({ listeners: [{ type: "tcp", port: tcpPort }, { type: "tls", port: 0, cert: certs.server.cert, key, passphrase: "wrong" }] });
    await expect(broker.listen()).rejects.toThrow(/bad decrypt|bad password/i);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(tcpPort, "127.0.0.1", () => { socket.destroy(); resolve(false); });
      socket.on("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});

describe("certificate reload", () => {
  it("SIGHUP swaps the certificate: a new connection sees the new one, an old connection stays up", async () => {
    const cert = join(certs.dir, "live.crt");
    const key = join(certs.dir, "live.key");
    copyFileSync(certs.server.cert, cert);
    copyFileSync(certs.server.key, key);
    const config = join(certs.dir, "reload.yaml");
    writeFileSync(config, `listeners:\n  - { type: tls, port: 0, cert: live.crt, key: live.key }\nlogLevel: info\n`);
    const { broker: child, port } = await startQuarkmq(["--config", config]);
    try {
      const old = await connect(port);
      const peer = (old.stream as tls.TLSSocket).getPeerCertificate();
      expect(peer.subject.CN).toBe("localhost");
      copyFileSync(certs.server2.cert, cert);
      copyFileSync(certs.server2.key, key);
      child.child.kill("SIGHUP");
      await child.waitForLog((l) => l.msg === "certificates reloaded");
      const fresh = await connect(port);
      expect((fresh.stream as tls.TLSSocket).getPeerCertificate().subject.CN).toBe("localhost-2");
      const got = new Promise<string>((resolve) => old.on("message", (_t, payload) => resolve(payload.toString())));
      await old.subscribeAsync("reload/t", { qos: 1 });
      await fresh.publishAsync("reload/t", "still here", { qos: 1 });
      expect(await got).toBe("still here");
      expect(old.connected).toBe(true);
    } finally {
      for (const client of clients.splice(0)) client.end(true);
      await child.stop();
    }
  });
});
