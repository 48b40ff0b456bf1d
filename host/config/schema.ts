// The table of configurable options: for each BrokerOptions key its environment variable, CLI flag and
// checker. Derived from defaultOptions so an option added there is configurable at once; the ranges below
// tighten the ones the protocol bounds.
import { defaultOptions, queueOverflows } from "./options.ts";
import { identityFields } from "../security/certificate-identity.ts";

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Checks one value; returns the value to use, or a string saying what was expected. */
export type Check = (value: unknown) => { value: unknown } | { expected: string };

export interface OptionSpec {
  /** Key in BrokerOptions (`port`/`host` are the two fields of `tcp`). */
  key: string;
  /** QUARKMQ_MAX_PACKET_SIZE */
  env: string;
  /** max-packet-size (used as --max-packet-size) */
  flag: string;
  /** "integer" | "boolean" | "string" | "object": how env/flag strings are read. */
  kind: "integer" | "boolean" | "string" | "object";
  check: Check;
  help: string;
}

export function integer(min: number, max: number): Check {
  return (value) =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? { value }
      : { expected: `an integer from ${min} to ${max}` };
}

const boolean: Check = (value) => (typeof value === "boolean" ? { value } : { expected: "true or false" });

function oneOf(values: readonly string[]): Check {
  return (value) =>
    typeof value === "string" && values.includes(value) ? { value } : { expected: `one of ${values.join(", ")}` };
}

const filePath: Check = (value) => (typeof value === "string" && value.length > 0 ? { value } : { expected: "a file path" });

const hostName: Check = (value) =>
  typeof value === "string" && value.length > 0 && !/\s/.test(value)
    ? { value }
    : { expected: "a host name or IP address (a non-empty string without spaces)" };

/** Ranges and help for the options we know; anything else in defaultOptions gets a generic check by type. */
const known: Record<string, { check: Check; help: string }> = {
  port: { check: integer(0, 65_535), help: "TCP port to listen on (0 picks a free one)" },
  host: { check: hostName, help: "address to bind (127.0.0.1 = this machine only; 0.0.0.0 = every interface)" },
  maxPacketSize: { check: integer(2, 268_435_460), help: "largest packet accepted, bytes, fixed header included" },
  maxKeepAlive: { check: integer(0, 65_535), help: "highest keep-alive a client may ask for, seconds (0 = no cap)" },
  connectTimeout: { check: integer(1, 86_400), help: "seconds a new connection has to send CONNECT" },
  receiveMaximum: { check: integer(1, 65_535), help: "v5 Receive Maximum: unacknowledged QoS 1/2 publishes a client may send us" },
  topicAliasMaximum: { check: integer(0, 65_535), help: "v5 topic aliases a client may use towards us (0 disables)" },
  maxQueuedMessages: { check: integer(0, 2 ** 31 - 1), help: "QoS 1/2 messages queued per offline or slow session" },
  maxQueuedBytes: { check: integer(0, 2 ** 53 - 1), help: "payload bytes of QoS 1/2 messages queued per offline or slow session" },
  queueOverflow: { check: oneOf(queueOverflows), help: `what a full session queue does with one more QoS 1/2 message: ${queueOverflows.join(", ")} (DISCONNECT 0x97)` },
  maxQueuedQoS0Bytes: { check: integer(0, 2 ** 53 - 1), help: "bytes waiting to be written to one client past which QoS 0 messages to it are dropped" },
  maxInflightMessages: { check: integer(1, 65_535), help: "QoS 1/2 messages in flight to a client that sets no Receive Maximum" },
  allowAnonymous: { check: boolean, help: "accept clients that give no username (default false once users, a password file, an auth method or a certificate identity is configured)" },
  maxConnections: { check: integer(0, 2 ** 31 - 1), help: "sockets open at once (0 = no limit)" },
  maxConnectionsPerAddress: { check: integer(0, 2 ** 31 - 1), help: "sockets open at once from one remote address (0 = no limit)" },
  maxClientIdLength: { check: integer(23, 65_535), help: "longest client id accepted, bytes (23 = the 3.1.1 minimum)" },
  maxSubscriptionsPerClient: { check: integer(1, 2 ** 31 - 1), help: "subscriptions one session may hold" },
  maxTopicLevels: { check: integer(1, 65_535), help: "most levels in a topic name or filter" },
  maxPublishRate: { check: integer(0, 2 ** 31 - 1), help: "PUBLISH packets per second one client may send (0 = no limit)" },
  maxPublishBytesRate: { check: integer(0, 2 ** 53 - 1), help: "PUBLISH payload bytes per second one client may send (0 = no limit)" },
  publishRateGrace: { check: integer(1, 3600), help: "seconds a client may stay over its publish rate before DISCONNECT 0x96" },
  partialPacketTimeout: { check: integer(1, 86_400), help: "seconds an incomplete packet may wait for its next byte" },
  retainAvailable: { check: boolean, help: "accept retained messages" },
  noMatchingSubscribersReasonCode: { check: boolean, help: "v5: acknowledge a QoS 1/2 publish nobody subscribed to with 0x10 No matching subscribers" },
  maximumQoS: { check: integer(0, 2), help: "highest QoS granted (0, 1 or 2)" },
  maxSessionExpiryInterval: { check: integer(0, 0xffff_ffff), help: "longest v5 Session Expiry Interval granted, seconds" },
  responseInformation: {
    check: (v) => (typeof v === "string" && v.length <= 65_535 ? { value: v } : { expected: "a string" }),
    help: "v5 Response Information for clients that ask for it (e.g. a response topic prefix; %c: the client id); empty: none",
  },
  logLevel: { check: oneOf(logLevels), help: `log level: ${logLevels.join(", ")}` },
  wsPort: { check: integer(0, 65_535), help: "adds a WebSocket listener on --host at this port (path /mqtt)" },
  wssPort: { check: integer(0, 65_535), help: "adds a secure WebSocket listener on --host at this port (needs --tls-cert, --tls-key)" },
  tlsPort: { check: integer(0, 65_535), help: "adds a TLS listener on --host at this port (needs --tls-cert, --tls-key)" },
  tlsCert: { check: filePath, help: "PEM certificate (chain) file for --tls-port and --wss-port" },
  tlsKey: { check: filePath, help: "PEM private key file for --tls-port and --wss-port" },
  tlsCa: { check: filePath, help: "PEM CA file: asks TLS clients for a certificate verified against it" },
  tlsIdentityAs: {
    check: oneOf(identityFields),
    help: "cn, san-dns or san-email: --tls-port requires a client certificate (verified against --tls-ca) and takes the username from that field",
  },
  persistence: { check: boolean, help: "keep sessions, queued QoS 1/2 messages and retained messages in the data directory (lmdb)" },
  dataDir: { check: (v) => (typeof v === "string" && v.length > 0 ? { value: v } : { expected: "a directory path" }), help: "the durable store's directory" },
  sysInterval: { check: integer(0, 86_400), help: "seconds between $SYS/broker/... updates (0 = none)" },
  httpPort: { check: integer(0, 65_535), help: "HTTP port for /health, /metrics and the admin API (setting it turns HTTP on; default 8081)" },
  httpHost: { check: hostName, help: "address the HTTP listener binds (setting it turns HTTP on; default 127.0.0.1)" },
  adminToken: {
    check: (v) => (typeof v === "string" && v.length >= 16 ? { value: v } : { expected: "a string of at least 16 characters" }),
    help: "bearer token the admin API (/api/v1) requires; prefer the environment variable to the flag",
  },
};

/** Flags and variables for the common single-listener cases: each adds to the listeners, so none is a file key. */
export const listenerShorthands: Record<string, number | string> = { wsPort: 8083, wssPort: 8084, tlsPort: 8883, tlsCert: "", tlsKey: "", tlsCa: "", tlsIdentityAs: "" };

function snake(key: string): string {
  return key.replace("QoS", "Qos").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

function kebab(key: string): string {
  return key.replace("QoS", "Qos").replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

function genericCheck(example: unknown): { kind: OptionSpec["kind"]; check: Check } {
  if (typeof example === "number") return { kind: "integer", check: integer(0, Number.MAX_SAFE_INTEGER) };
  if (typeof example === "boolean") return { kind: "boolean", check: boolean };
  if (typeof example === "string") return { kind: "string", check: (v) => (typeof v === "string" ? { value: v } : { expected: "a string" }) };
  return { kind: "object", check: (v) => (typeof v === typeof example ? { value: v } : { expected: `a value like ${JSON.stringify(example)}` }) };
}

function spec(key: string, example: unknown): OptionSpec {
  const generic = genericCheck(example);
  const k = known[key];
  return {
    key,
    env: `QUARKMQ_${snake(key)}`,
    flag: kebab(key),
    kind: generic.kind,
    check: k?.check ?? generic.check,
    help: k?.help ?? key,
  };
}

/** The fields of the `http` section, as options (flags --http-port, --http-host, --admin-token). */
export const httpKeys: Record<string, string> = { port: "httpPort", host: "httpHost", adminToken: "adminToken" };

/** `tcp` is split into port and host, `http` into httpPort, httpHost and adminToken; every other default is one option. */
export const optionSpecs: OptionSpec[] = [
  spec("port", 1883),
  spec("host", "127.0.0.1"),
  ...Object.entries(defaultOptions)
    .filter(([key]) => key !== "tcp" && key !== "http")
    .map(([key, value]) => spec(key, value)),
  ...Object.entries(listenerShorthands).map(([key, value]) => spec(key, value)),
  spec("httpPort", 8081),
  spec("httpHost", "127.0.0.1"),
  spec("adminToken", ""),
];

/** Top-level config file keys beyond the options: the listeners, the HTTP face and the access section. */
export const sectionKeys = ["tcp", "listeners", "http", "users", "passwordFile", "aclFile", "acl"] as const;

const sectionFields = new Set(["port", "host", ...Object.values(httpKeys)]);

/** Every key a config file may hold at top level. */
export const fileKeys: string[] = [
  ...sectionKeys,
  ...optionSpecs.filter((s) => !sectionFields.has(s.key) && !(s.key in listenerShorthands)).map((s) => s.key),
];

/** Reads an env/flag string as the option's kind; a string that is not one stays a string so the check names it. */
export function fromText(spec: OptionSpec, text: string): unknown {
  const t = text.trim();
  if (spec.kind === "integer") return /^-?\d+$/.test(t) ? Number(t) : /^0x[0-9a-f]+$/i.test(t) ? Number(t) : text;
  if (spec.kind === "boolean") {
    if (/^(true|1|yes|on)$/i.test(t)) return true;
    if (/^(false|0|no|off)$/i.test(t)) return false;
    return text;
  }
  if (spec.kind === "object") {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return t;
}

/**
 * The closest candidate by edit distance (case and `_`/`-` ignored), when close enough to be a typo;
 * with `substrings`, a candidate containing the word or contained in it also counts as close.
 */
export function didYouMean(word: string, candidates: readonly string[], substrings = true): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const w = norm(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = norm(candidate);
    const d = substrings && w.length >= 3 && (c.includes(w) || w.includes(c)) ? 1 : distance(w, c);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(w.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
