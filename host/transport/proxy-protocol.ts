// PROXY protocol v1 (text) and v2 (binary) headers (haproxy.org/download/2.9/doc/proxy-protocol.txt):
// a reader stage that takes the header off a socket before TLS or the MQTT codec sees a byte, and
// hands the socket on with the client address the proxy reports.
import net from "node:net";

/** v2 signature: \r\n\r\n\0\r\nQUIT\n */
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from("PROXY ");
/** v1: "a 108-byte buffer is always enough to store all the line and a trailing zero". */
const V1_MAX = 107;
/** v2: 16-byte header, then up to 65535 bytes of addresses and TLVs. */
const V2_HEADER = 16;

export type ProxyHeader =
  /** A complete header: its length, and the client's address (undefined for LOCAL / UNKNOWN: keep the socket's). */
  | { length: number; address: string | undefined; port: number | undefined }
  | { error: string }
  | undefined; // more bytes needed

function startsLike(buf: Buffer, prefix: Buffer): boolean {
  const n = Math.min(buf.length, prefix.length);
  return buf.subarray(0, n).equals(prefix.subarray(0, n));
}

function decimalPort(text: string | undefined): number | undefined {
  if (text === undefined || !/^(0|[1-9]\d{0,4})$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65_535 ? port : undefined;
}

/** "PROXY TCP4|TCP6 src dst srcport dstport\r\n" or "PROXY UNKNOWN ...\r\n". */
function parseV1(buf: Buffer): ProxyHeader {
  const end = buf.indexOf("\r\n");
  if (end < 0) return buf.length >= V1_MAX ? { error: "PROXY v1 header longer than 107 bytes" } : undefined;
  if (end + 2 > V1_MAX) return { error: "PROXY v1 header longer than 107 bytes" };
  const fields = buf.toString("latin1", 0, end).split(" ");
  if (fields[1] === "UNKNOWN") return { length: end + 2, address: undefined, port: undefined };
  if (fields.length !== 6) return { error: "PROXY v1 header with a wrong number of fields" };
  const [, family, source, , sourcePort, destinationPort] = fields;
  const ipVersion = family === "TCP4" ? 4 : family === "TCP6" ? 6 : 0;
  if (ipVersion === 0) return { error: `PROXY v1 header with unknown protocol ${JSON.stringify(family)}` };
  if (net.isIP(source!) !== ipVersion || net.isIP(fields[3]!) !== ipVersion) return { error: "PROXY v1 header with an invalid address" };
  const port = decimalPort(sourcePort);
  if (port === undefined || decimalPort(destinationPort) === undefined) return { error: "PROXY v1 header with an invalid port" };
  return { length: end + 2, address: source, port };
}

function ipv6(buf: Buffer, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(at + i).toString(16));
  return new net.SocketAddress({ address: groups.join(":"), family: "ipv6" }).address;
}

/** 12-byte signature, version/command, family/transport, length, then addresses (and TLVs, skipped). */
function parseV2(buf: Buffer): ProxyHeader {
  if (buf.length < V2_HEADER) return undefined;
  const versionCommand = buf[12]!;
  if (versionCommand >> 4 !== 2) return { error: "PROXY v2 header with a version other than 2" };
  const command = versionCommand & 0x0f;
  if (command > 1) return { error: "PROXY v2 header with an unknown command" };
  const family = buf[13]!;
  const length = V2_HEADER + buf.readUInt16BE(14);
  if (buf.length < length) return undefined;
  // LOCAL (a health check from the proxy itself) and AF_UNSPEC: the socket's own address stands.
  if (command === 0 || family === 0x00) return { length, address: undefined, port: undefined };
  if (family === 0x11 || family === 0x12) { // TCP or UDP over IPv4: src(4) dst(4) srcport dstport
    if (length < V2_HEADER + 12) return { error: "PROXY v2 header too short for IPv4 addresses" };
    const address = `${buf[16]}.${buf[17]}.${buf[18]}.${buf[19]}`;
    return { length, address, port: buf.readUInt16BE(24) };
  }
  if (family === 0x21 || family === 0x22) { // over IPv6: src(16) dst(16) srcport dstport
    if (length < V2_HEADER + 36) return { error: "PROXY v2 header too short for IPv6 addresses" };
    return { length, address: ipv6(buf, 16), port: buf.readUInt16BE(48) };
  }
  if (family === 0x31 || family === 0x32) return { length, address: undefined, port: undefined }; // AF_UNIX
  return { error: "PROXY v2 header with an unknown address family" };
}

/** Parses a header at the start of buf: complete, refused, or undefined while more bytes are needed. */
export function parseProxyHeader(buf: Buffer): ProxyHeader {
  if (startsLike(buf, V2_SIGNATURE)) return buf.length < V2_SIGNATURE.length ? undefined : parseV2(buf);
  if (startsLike(buf, V1_PREFIX)) return buf.length < V1_PREFIX.length ? undefined : parseV1(buf);
  return { error: "no PROXY protocol header" };
}

/**
 * Reads the header off `socket`, then calls done with the client's address (the socket's own when the
 * header names none) and the socket paused, anything after the header unshifted back into it. A header
 * that is missing, invalid, truncated (the socket closed first) or late destroys the socket and calls
 * refused with the reason.
 */
export function readProxyHeader(socket: net.Socket, timeout: number, done: (remoteAddress: string) => void,
                                refused: (reason: string) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  const finish = () => {
    clearTimeout(timer);
    socket.off("data", onData);
    socket.off("close", onClose);
    socket.off("error", onError);
  };
  const fail = (reason: string) => {
    finish();
    socket.destroy();
    refused(reason);
  };
  const onData = (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    const header = parseProxyHeader(buf);
    if (header === undefined) return;
    if ("error" in header) return fail(header.error);
    finish();
    socket.pause();
    if (buf.length > header.length) socket.unshift(buf.subarray(header.length));
    done(header.address ?? socket.remoteAddress ?? "");
  };
  const onClose = () => fail("PROXY header truncated: the connection closed before it was complete");
  const onError = () => undefined; // close follows
  const timer = setTimeout(fail, timeout, "PROXY header not complete in time");
  socket.on("data", onData);
  socket.on("close", onClose);
  socket.on("error", onError);
}
