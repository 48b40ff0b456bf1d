// PROXY protocol v1 and v2 over raw sockets on tcp and tls listeners: the address hooks see is the one the
// header gives; a missing, forged, truncated or late header closes the connection before MQTT, counted.
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createBroker, type Broker, type ClientInfo, type ListenerConfig } from "../../host/index.ts";
import { packet, str, u16 } from "../helpers/packets.ts";
import { makeCertificates } from "../helpers/certificates.ts";
import { RawClient } from "../helpers/raw-client.ts";

const certs = makeCertificates();
afterAll(() => certs.remove());

let broker: Broker | undefined;
const raws: RawClient[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.close();
  await broker?.close();
  broker = undefined;
});

const seen: ClientInfo[] = [];
async function start(listener: ListenerConfig = { type: "tcp", port: 0, proxyProtocol: true }): Promise<number> {
  seen.length = 0;
  broker = await createBroker({ listeners: [listener], connectTimeout: 1, hooks: { authenticate: ({ client }) => { seen.push(client); return true; } } });
  return (await broker.listen()).port;
}

async function raw(port: number): Promise<RawClient> {
  const client = await RawClient.open(port);
  raws.push(client);
  return client;
}

const CONNECT = [...packet(0x10, str("MQTT"), [4, 0x02], u16(60), str("proxied"))];
const CONNACK = [0x20, 0x02, 0x00, 0x00];
const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
const ascii = (text: string) => [...Buffer.from(text, "latin1")];

/** v2 PROXY over TCP/IPv4 from 198.51.100.9:40000 to 192.0.2.1:1883, with one TLV (type 0x04, NOOP) after the addresses. */
const V2_IPV4 = [...SIGNATURE, 0x21, 0x11, ...u16(12 + 5), 198, 51, 100, 9, 192, 0, 2, 1, ...u16(40000), ...u16(1883), 0x04, ...u16(2), 0, 0];
/** v2 PROXY over TCP/IPv6 from 2001:db8::7. */
const V2_IPV6 = [...SIGNATURE, 0x21, 0x21, ...u16(36), 0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 7,
  ...new Array<number>(15).fill(0), 1, ...u16(40000), ...u16(1883)];

describe("PROXY protocol on a tcp listener", () => {
  const accepted: [string, number[], string][] = [
    ["v1 TCP4", ascii("PROXY TCP4 203.0.113.7 192.0.2.1 51000 1883\r\n"), "203.0.113.7"],
    ["v1 TCP6", ascii("PROXY TCP6 2001:db8::1 2001:db8::2 51000 1883\r\n"), "2001:db8::1"],
    ["v1 UNKNOWN (the socket's own address)", ascii("PROXY UNKNOWN\r\n"), "127.0.0.1"],
    ["v2 IPv4 with a TLV", V2_IPV4, "198.51.100.9"],
    ["v2 IPv6", V2_IPV6, "2001:db8::7"],
    ["v2 LOCAL (the socket's own address)", [...SIGNATURE, 0x20, 0x00, ...u16(0)], "127.0.0.1"],
  ];
  for (const [name, header, address] of accepted) {
    it(`takes the client address from a ${name} header sent with CONNECT`, async () => {
      const client = await raw(await start());
      client.send([...header, ...CONNECT]);
      expect([...await client.packet()]).toEqual(CONNACK);
      expect(seen[0]!.remoteAddress).toBe(address);
      expect(seen[0]!.transport).toBe("tcp");
    });
  }

  it("reads a header that arrives one byte at a time", async () => {
    const client = await raw(await start());
    for (const byte of V2_IPV4) {
      client.send([byte]);
      await new Promise((r) => setImmediate(r));
    }
    client.send(CONNECT);
    expect([...await client.packet()]).toEqual(CONNACK);
    expect(seen[0]!.remoteAddress).toBe("198.51.100.9");
  });

  const refused: [string, number[]][] = [
    ["no header (CONNECT first)", CONNECT],
    ["a forged v1 address", ascii("PROXY TCP4 999.0.0.1 192.0.2.1 51000 1883\r\n")],
    ["a v1 port out of range", ascii("PROXY TCP4 203.0.113.7 192.0.2.1 70000 1883\r\n")],
    ["a v1 line over 107 bytes", ascii(`PROXY TCP4 ${"1".repeat(110)}`)],
    ["a v2 header of version 3", [...SIGNATURE, 0x31, 0x11, ...u16(12), ...new Array<number>(12).fill(1)]],
    ["a v2 IPv4 header too short for its addresses", [...SIGNATURE, 0x21, 0x11, ...u16(4), 1, 2, 3, 4]],
  ];
  for (const [name, bytes] of refused) {
    it(`closes the connection on ${name}, before MQTT, and counts it`, async () => {
      const client = await raw(await start());
      client.send([...bytes, ...CONNECT]);
      expect(await client.waitClosed()).toBe(true);
      await expect(client.packet(10)).rejects.toThrow(/closed/);
      expect(broker!.stats.transportRefused).toBe(1);
      expect(seen).toEqual([]);
    });
  }

  it("counts a truncated header (the client closed mid-header) and one not complete within connectTimeout", async () => {
    const port = await start();
    const truncated = await raw(port);
    truncated.send(V2_IPV4.slice(0, 20));
    await new Promise((r) => setTimeout(r, 50));
    truncated.close();
    const late = await raw(port);
    late.send(ascii("PROXY TCP4 203.0.113.7"));
    expect(await late.waitClosed(3000)).toBe(true);
    expect(broker!.stats.transportRefused).toBe(2);
  });
});

describe("PROXY protocol on a tls listener", () => {
  it("reads the header before the TLS handshake; the client record has the proxy's address", async () => {
    const port = await start({ type: "tls", port: 0, proxyProtocol: true, cert: certs.server.cert, key: certs.server.key });
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(Uint8Array.from(V2_IPV4));
    const secure = tls.connect({ socket, ca: readFileSync(certs.ca), servername: "localhost" });
    try {
      await new Promise((resolve, reject) => { secure.once("secureConnect", resolve); secure.once("error", reject); });
      secure.write(Uint8Array.from(CONNECT));
      const reply = await new Promise<Buffer>((resolve) => secure.once("data", resolve));
      expect([...reply]).toEqual(CONNACK);
      expect(seen[0]).toMatchObject({ remoteAddress: "198.51.100.9", transport: "tls" });
    } finally {
      secure.destroy();
    }
  });

  it("closes a tls connection that starts its handshake without a header", async () => {
    const port = await start({ type: "tls", port: 0, proxyProtocol: true, cert: certs.server.cert, key: certs.server.key });
    const closed = await new Promise<boolean>((resolve) => {
      const secure = tls.connect({ host: "127.0.0.1", port, ca: readFileSync(certs.ca), servername: "localhost" });
      secure.once("secureConnect", () => resolve(false));
      secure.once("error", () => resolve(true));
      secure.once("close", () => resolve(true));
    });
    expect(closed).toBe(true);
    expect(broker!.stats.transportRefused).toBe(1);
  });
});
