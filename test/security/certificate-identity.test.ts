// Client certificate identity (a tls listener's useIdentityAs) over real TLS: the CN, the first subjectAltName DNS
// name and e-mail address become the username the authenticate hook and the ACL's %u see; another username, or a
// certificate without the field, is refused with exact CONNACK bytes; the config rules around it.
import { readFileSync } from "node:fs";
import tls from "node:tls";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../host/config/load.ts";
import { effectiveListeners } from "../../host/config/listeners.ts";
import { createBroker, type AuthenticateEvent, type Broker, type ListenerConfig } from "../../host/index.ts";
import { certificateIdentity, subjectAltNames } from "../../host/security/certificate-identity.ts";
import { issueClient, makeCertificates, type Pair } from "../helpers/certificates.ts";
import { configDir, problems } from "../helpers/config-files.ts";
import { connect as connectPacket, hex } from "../helpers/packets.ts";

const certs = makeCertificates();
/** CN only. */
const device = issueClient(certs, "device", "/CN=device-7");
/** No CN; two DNS names and an e-mail address in subjectAltName. */
const sensor = issueClient(certs, "sensor", "/O=fleet", "DNS:sensor-3.example, DNS:spare.example, email:ops@example.com");
const { file } = configDir("quarkmq-cert-identity-");
const aclFile = file("broker.acl", "pattern readwrite devices/%u/#\n");

const seen: AuthenticateEvent[] = [];
let broker: Broker;
/** Port of the listener with useIdentityAs cn, san-dns, san-email. */
const ports: Record<string, number> = {};
beforeAll(async () => {
  const tlsListener = (useIdentityAs: "cn" | "san-dns" | "san-email"): ListenerConfig =>
    ({ type: "tls", port: 0, cert: certs.server.cert, key: certs.server.key, ca: certs.ca, requireCert: true, useIdentityAs });
  broker = await createBroker({
    listeners: [tlsListener("cn"), tlsListener("san-dns"), tlsListener("san-email")],
    aclFile,
    hooks: { authenticate: (event) => { seen.push(event); return true; } },
  });
  const { listeners } = await broker.listen();
  [ports.cn, ports["san-dns"], ports["san-email"]] = listeners.map((l) => l.port);
});
const clients: MqttClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.end(true);
  seen.length = 0;
});
afterAll(async () => {
  await broker.close();
  certs.remove();
});

function connect(port: number, pair: Pair, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect({
    protocol: "mqtts", host: "127.0.0.1", port, ca: readFileSync(certs.ca), servername: "localhost", reconnectPeriod: 0,
    cert: readFileSync(pair.cert), key: readFileSync(pair.key), protocolVersion: 5, ...options,
  });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", reject);
  });
}

/** A raw TLS connection with `pair` that sends one CONNECT: the bytes of the broker's first reply, as hex. */
function connackOf(port: number, pair: Pair, level: 4 | 5, username?: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = tls.connect({ host: "127.0.0.1", port, ca: readFileSync(certs.ca), servername: "localhost",
      cert: readFileSync(pair.cert), key: readFileSync(pair.key) }, () => {
      socket.write(connectPacket({ level, clientId: `raw-${Math.random()}`, keepAlive: 60, username, password: username === undefined ? undefined : Buffer.from("ignored") }));
    });
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      const got = Buffer.concat(chunks);
      if (got.length >= 2 && got.length >= 2 + got[1]!) socket.end();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(hex(Buffer.concat(chunks))));
  });
}

describe("useIdentityAs: the verified certificate names the client", { timeout: 30_000 }, () => {
  it("cn: the subject CN is the username the authenticate hook sees", async () => {
    await connect(ports.cn!, device);
    expect(seen[0]!.client.username).toBe("device-7");
    expect(seen[0]!.certificateIdentity).toBe("cn");
  });

  it("san-dns: the first DNS name of subjectAltName is the username", async () => {
    await connect(ports["san-dns"]!, sensor);
    expect(seen[0]!.client.username).toBe("sensor-3.example");
    expect(seen[0]!.certificateIdentity).toBe("san-dns");
  });

  it("san-email: the first e-mail address of subjectAltName is the username", async () => {
    await connect(ports["san-email"]!, sensor, { protocolVersion: 4 });
    expect(seen[0]!.client.username).toBe("ops@example.com");
  });

  it("v3.1.1 [MQTT-3.2.2-5] a CONNECT with another username is refused: v5 0x86 Bad User Name or Password, 3.1.1 0x04", async () => {
    expect(await connackOf(ports.cn!, device, 5, "admin")).toBe("20 03 00 86 00");
    expect(await connackOf(ports.cn!, device, 4, "admin")).toBe("20 02 00 04");
    expect(await connackOf(ports["san-dns"]!, sensor, 4, "spare.example")).toBe("20 02 00 04");
    expect(seen).toEqual([]); // refused before any hook is asked
  });

  it("a CONNECT that repeats the certificate's own username is accepted", async () => {
    expect(await connackOf(ports.cn!, device, 4, "device-7")).toBe("20 02 00 00");
    expect(await connackOf(ports["san-email"]!, sensor, 5, "ops@example.com")).toMatch(/^20 .. 00 00/);
    expect(seen.map((e) => e.client.username)).toEqual(["device-7", "ops@example.com"]);
  });

  it("a certificate without the field is refused: no CN, no DNS name, no e-mail address", async () => {
    expect(await connackOf(ports.cn!, sensor, 5)).toBe("20 03 00 86 00");
    expect(await connackOf(ports["san-dns"]!, device, 4)).toBe("20 02 00 04");
    expect(await connackOf(ports["san-email"]!, certs.client, 5)).toBe("20 03 00 86 00");
    expect(seen).toEqual([]);
  });

  it("the ACL's %u is the certificate identity: its own topic delivers, another's is refused with SUBACK 0x87", async () => {
    const client = await connect(ports.cn!, device);
    // mqtt.js rejects a SUBACK holding a refusal, with the packet on the error.
    const refused = await client.subscribeAsync(["devices/device-7/#", "devices/device-8/#"], { qos: 1 })
      .then(() => undefined, (error: Error & { packet?: { granted: number[] } }) => error.packet?.granted);
    expect(refused).toEqual([1, 0x87]);
    const got = new Promise<string>((resolve) => client.once("message", (topic, payload) => resolve(`${topic} ${payload.toString()}`)));
    await client.publishAsync("devices/device-7/temp", "21", { qos: 1 });
    expect(await got).toBe("devices/device-7/temp 21");
  });
});

describe("useIdentityAs in the configuration", () => {
  it("turns allowAnonymous off by default in the library and in the config file, and the start log says why", async () => {
    const library = await createBroker({ listeners: [{ type: "tls", port: 0, cert: certs.server.cert, key: certs.server.key, ca: certs.ca, requireCert: true, useIdentityAs: "cn" }] });
    expect(library.options.allowAnonymous).toBe(false);
    await library.close();
    const path = file("identity.yaml", `listeners:\n  - { type: tls, cert: s.crt, key: s.key, ca: ca.crt, requireCert: true, useIdentityAs: san-dns }\n`);
    const config = loadConfig({ configPath: path, env: {} });
    expect(config.options.allowAnonymous).toBe(false);
    expect(config.anonymousReason).toBe("a certificate identity (useIdentityAs) is configured, so clients without a username are refused unless allowAnonymous is set");
    const open = loadConfig({ configPath: path, env: {}, flags: { allowAnonymous: "true" } });
    expect(open.options.allowAnonymous).toBe(true);
  });

  it("next to a password file, a certificate identity gets in without a password; a password client still needs one", async () => {
    const path = file("with-users.yaml", [
      "passwordFile: users.passwd",
      "listeners:",
      "  - { type: tcp, port: 0 }",
      `  - { type: tls, port: 0, cert: ${certs.server.cert}, key: ${certs.server.key}, ca: ${certs.ca}, requireCert: true, useIdentityAs: cn }`,
    ].join("\n"));
    file("users.passwd", "alice:secret\n");
    const config = loadConfig({ configPath: path, env: {} });
    expect(config.anonymousReason).toBe("users and a certificate identity (useIdentityAs) are configured, so clients without a username are refused unless allowAnonymous is set");
    const withUsers = await createBroker(config.options);
    const [tcp, tlsPort] = (await withUsers.listen()).listeners.map((l) => l.port);
    try {
      expect(await connackOf(tlsPort!, device, 4)).toBe("20 02 00 00");
      const plain = mqtt.connect({ host: "127.0.0.1", port: tcp, reconnectPeriod: 0, protocolVersion: 4 });
      clients.push(plain);
      const refusal = await new Promise<string>((resolve) => plain.once("error", (error) => resolve(error.message)));
      expect(refusal).toMatch(/Not authorized/);
    } finally {
      await withUsers.close();
    }
  });

  it("is a config error without requireCert or ca, with a bad field, and on wss; createBroker's listen() refuses it too", async () => {
    const path = file("bad-identity.yaml", [
      "listeners:",
      "  - { type: tls, cert: s.crt, key: s.key, ca: ca.crt, useIdentityAs: cn }",
      "  - { type: tls, cert: s.crt, key: s.key, requireCert: true, useIdentityAs: cn }",
      "  - { type: tls, cert: s.crt, key: s.key, ca: ca.crt, requireCert: true, useIdentityAs: dn }",
      "  - { type: wss, cert: s.crt, key: s.key, ca: ca.crt, useIdentityAs: cn }",
    ].join("\n"));
    expect(problems(() => loadConfig({ configPath: path, env: {} }))).toEqual([
      `${path}: listeners[0]: useIdentityAs needs requireCert: true (the identity must come from a verified certificate)`,
      `${path}: listeners[1]: useIdentityAs needs ca (the CA file client certificates are verified against)`,
      `${path}: listeners[2].useIdentityAs: expected one of cn, san-dns, san-email, got "dn"`,
      `${path}: listeners[3].useIdentityAs: works on tls listeners only (a wss listener hands no client certificate over)`,
    ]);
    const library = await createBroker({ listeners: [{ type: "tls", port: 0, cert: certs.server.cert, key: certs.server.key, ca: certs.ca, useIdentityAs: "cn" }] });
    await expect(library.listen()).rejects.toThrow("useIdentityAs needs requireCert: true");
    await library.close();
  });

  it("--tls-identity-as makes the --tls-port listener require a certificate and needs --tls-ca", () => {
    const env = { QUARKMQ_TLS_CERT: "/c.pem", QUARKMQ_TLS_KEY: "/k.pem", QUARKMQ_TLS_CA: "/ca.pem" };
    const { options, anonymousReason } = loadConfig({ env, flags: { tlsPort: "8883", tlsIdentityAs: "san-email" } });
    expect(effectiveListeners(options)[1]).toEqual({ type: "tls", host: "127.0.0.1", port: 8883, cert: "/c.pem", key: "/k.pem", ca: "/ca.pem",
      requestCert: true, requireCert: true, useIdentityAs: "san-email" });
    expect(anonymousReason).toMatch(/^a certificate identity/);
    expect(problems(() => loadConfig({ env: { ...env, QUARKMQ_TLS_CA: undefined }, flags: { tlsPort: "1", tlsIdentityAs: "cn" } }))).toEqual([
      "--tls-identity-as needs --tls-port and --tls-ca (QUARKMQ_TLS_PORT, QUARKMQ_TLS_CA): the identity comes from a certificate verified against that CA",
    ]);
  });
});

describe("certificate identity fields", () => {
  it("reads Node's subjectaltname text, quoted values included, so a crafted name cannot forge a second entry", () => {
    expect(subjectAltNames("DNS:a.example, IP Address:127.0.0.1, email:x@y")).toEqual([["DNS", "a.example"], ["IP Address", "127.0.0.1"], ["email", "x@y"]]);
    expect(subjectAltNames("DNS:\"evil, email:admin\", email:me@here")).toEqual([["DNS", "evil, email:admin"], ["email", "me@here"]]);
    expect(certificateIdentity({ subjectaltname: "DNS:\"evil, email:admin\"" } as tls.PeerCertificate, "san-email")).toBeUndefined();
  });

  it("takes the first of several CNs and refuses an empty one or one holding U+0000", () => {
    const cn = (CN: string | string[]) => certificateIdentity({ subject: { CN } } as unknown as tls.PeerCertificate, "cn");
    expect(cn(["first", "second"])).toBe("first");
    expect(cn("")).toBeUndefined();
    expect(cn("admin\u0000.evil")).toBeUndefined();
  });
});
