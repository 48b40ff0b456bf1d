// The one builder of MQTT packets as exact bytes for test/ (and bench/): fixed header + varint + fields, built from
// the primitives the spec uses (Two Byte Integer, UTF-8 Encoded String, properties), so each input reads field by
// field. Nothing here validates (malformed packets are built on purpose) and nothing imports vitest.

/** Bytes of any of these: a Buffer, an array of byte values. */
export type Bytes = Buffer | Uint8Array | number[];

export const bytes = (...parts: Bytes[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p as Uint8Array)));

/** Variable Byte Integer (1.5.5), always in its shortest form. */
export function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

export const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);
export const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
export const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
/** UTF-8 Encoded String: Two Byte length + the UTF-8 bytes. A Buffer is taken as already-encoded (maybe ill-formed) bytes. */
export const str = (s: string | Buffer): Buffer => {
  const b = typeof s === "string" ? Buffer.from(s, "utf8") : s;
  return bytes(u16(b.length), b);
};
/** Binary Data: Two Byte length + bytes. */
export const bin = (b: Bytes): Buffer => bytes(u16(b.length), b);
/** Raw UTF-8 bytes without a length (payloads). */
export const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");

/** A whole packet: first byte (type << 4 | flags), Remaining Length, then the fields. */
export const packet = (first: number, ...fields: Bytes[]): Buffer => {
  const body = bytes(...fields);
  return bytes([first], varint(body.length), body);
};

// v5 properties (2.2.2): Property Length then identifier + value pairs.
export const props = (...entries: Bytes[]): Buffer => {
  const body = bytes(...entries);
  return bytes(varint(body.length), body);
};
/** No properties: Property Length 0 [MQTT-2.2.2-1]. */
export const noProps = Buffer.from([0]);

export const P = {
  payloadFormatIndicator: (v: number) => bytes([0x01], u8(v)),
  messageExpiryInterval: (v: number) => bytes([0x02], u32(v)),
  contentType: (v: string) => bytes([0x03], str(v)),
  responseTopic: (v: string) => bytes([0x08], str(v)),
  correlationData: (v: Bytes) => bytes([0x09], bin(v)),
  subscriptionIdentifier: (v: number) => bytes([0x0b], varint(v)),
  sessionExpiryInterval: (v: number) => bytes([0x11], u32(v)),
  assignedClientIdentifier: (v: string) => bytes([0x12], str(v)),
  serverKeepAlive: (v: number) => bytes([0x13], u16(v)),
  authenticationMethod: (v: string) => bytes([0x15], str(v)),
  authenticationData: (v: Bytes) => bytes([0x16], bin(v)),
  requestProblemInformation: (v: number) => bytes([0x17], u8(v)),
  willDelayInterval: (v: number) => bytes([0x18], u32(v)),
  requestResponseInformation: (v: number) => bytes([0x19], u8(v)),
  reasonString: (v: string) => bytes([0x1f], str(v)),
  receiveMaximum: (v: number) => bytes([0x21], u16(v)),
  topicAliasMaximum: (v: number) => bytes([0x22], u16(v)),
  topicAlias: (v: number) => bytes([0x23], u16(v)),
  maximumQoS: (v: number) => bytes([0x24], u8(v)),
  retainAvailable: (v: number) => bytes([0x25], u8(v)),
  userProperty: (k: string, v: string) => bytes([0x26], str(k), str(v)),
  maximumPacketSize: (v: number) => bytes([0x27], u32(v)),
};

// Packet type first bytes (2.1.2), with the flags the spec requires (2.1.3).
export const T = {
  CONNECT: 0x10,
  CONNACK: 0x20,
  PUBLISH: 0x30,
  PUBACK: 0x40,
  PUBREC: 0x50,
  PUBREL: 0x62,
  PUBCOMP: 0x70,
  SUBSCRIBE: 0x82,
  SUBACK: 0x90,
  UNSUBSCRIBE: 0xa2,
  UNSUBACK: 0xb0,
  PINGREQ: 0xc0,
  PINGRESP: 0xd0,
  DISCONNECT: 0xe0,
  AUTH: 0xf0,
};

export interface Will {
  qos?: number;
  retain?: boolean;
  /** v5 Will Properties (default: none). */
  properties?: Buffer;
  topic: string;
  payload: Bytes;
}

export interface ConnectFields {
  /** Protocol Level: 3 (3.1, "MQIsdp"), 4 (3.1.1) or 5. */
  level: 3 | 4 | 5;
  clientId: string;
  cleanStart?: boolean;
  keepAlive?: number;
  /** v5 CONNECT properties (default: none). */
  properties?: Buffer;
  will?: Will;
  username?: string;
  password?: Bytes;
  /** Overrides the computed Connect Flags byte (for malformed packets). */
  flags?: number;
}

/** Connect Flags (3.1.2.3): bit 7 username, 6 password, 5 will retain, 4-3 will QoS, 2 will, 1 clean start, 0 reserved. */
export function connectFlags(f: ConnectFields): number {
  let flags = f.cleanStart === false ? 0 : 0x02;
  if (f.will) flags |= 0x04 | ((f.will.qos ?? 0) << 3) | (f.will.retain ? 0x20 : 0);
  if (f.password !== undefined) flags |= 0x40;
  if (f.username !== undefined) flags |= 0x80;
  return flags;
}

/** CONNECT (3.1): protocol name, level, flags, keepAlive, [properties], clientId, [will], [username], [password]. */
export function connect(f: ConnectFields): Buffer {
  const v5 = f.level === 5;
  return packet(
    T.CONNECT,
    str(f.level === 3 ? "MQIsdp" : "MQTT"),
    [f.level],
    [f.flags ?? connectFlags(f)],
    u16(f.keepAlive ?? 0),
    v5 ? (f.properties ?? noProps) : [],
    str(f.clientId),
    f.will ? bytes(v5 ? (f.will.properties ?? noProps) : [], str(f.will.topic), bin(f.will.payload)) : [],
    f.username !== undefined ? str(f.username) : [],
    f.password !== undefined ? bin(f.password) : [],
  );
}

/** CONNACK (3.2): flags (session present), return/reason code, v5 properties. */
export const connack = (level: number, sessionPresent: boolean, code: number, properties: Buffer = noProps): Buffer =>
  packet(T.CONNACK, [sessionPresent ? 1 : 0, code], level === 5 ? properties : []);

export interface PublishFields {
  topic: string | Buffer;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  packetId?: number;
  /** v5 only (default: none). */
  properties?: Buffer;
  payload?: Bytes | string;
}

/** PUBLISH (3.3): flags DUP/QoS/RETAIN in the first byte, topicName, packetId when QoS > 0, [properties], payload. */
export function publish(level: number, f: PublishFields): Buffer {
  const qos = f.qos ?? 0;
  const first = T.PUBLISH | (f.dup ? 0x08 : 0) | (qos << 1) | (f.retain ? 0x01 : 0);
  const payload = typeof f.payload === "string" ? utf8(f.payload) : (f.payload ?? []);
  return packet(
    first,
    str(f.topic),
    qos > 0 ? u16(f.packetId ?? 1) : [],
    level === 5 ? (f.properties ?? noProps) : [],
    payload,
  );
}

/** PUBACK/PUBREC/PUBREL/PUBCOMP (3.4-3.7): packetId, v5 reason code (omitted when 0 and no properties). */
export const ack = (first: number, level: number, packetId: number, reasonCode = 0, properties?: Buffer): Buffer =>
  packet(
    first,
    u16(packetId),
    level === 5 && (reasonCode !== 0 || properties) ? [reasonCode] : [],
    level === 5 && properties ? properties : [],
  );

/** SUBSCRIBE (3.8): packetId, [properties], then topicFilter + options byte pairs. */
export const subscribe = (level: number, packetId: number, filters: [string | Buffer, number][], properties?: Buffer): Buffer =>
  packet(
    T.SUBSCRIBE,
    u16(packetId),
    level === 5 ? (properties ?? noProps) : [],
    ...filters.map(([f, o]) => bytes(str(f), [o])),
  );

/** SUBACK / UNSUBACK (3.9, 3.11): packetId, [properties], one return/reason code per filter. */
export const suback = (level: number, packetId: number, codes: number[]): Buffer =>
  packet(T.SUBACK, u16(packetId), level === 5 ? noProps : [], codes);
export const unsuback = (level: number, packetId: number, codes: number[] = []): Buffer =>
  packet(T.UNSUBACK, u16(packetId), level === 5 ? noProps : [], level === 5 ? codes : []);

/** UNSUBSCRIBE (3.10): packetId, [properties], topicFilters. */
export const unsubscribe = (level: number, packetId: number, filters: (string | Buffer)[]): Buffer =>
  packet(T.UNSUBSCRIBE, u16(packetId), level === 5 ? noProps : [], ...filters.map((f) => str(f)));

export const pingreq = (): Buffer => packet(T.PINGREQ);
export const pingresp = (): Buffer => packet(T.PINGRESP);

/** DISCONNECT (3.14): v3.1.1 empty; v5 reason code (+ properties). */
export const disconnect = (level: number, reasonCode = 0, properties?: Buffer): Buffer =>
  level === 5 ? packet(T.DISCONNECT, [reasonCode], properties ?? []) : packet(T.DISCONNECT);

export const hex = (b: Bytes): string => Buffer.from(b as Uint8Array).toString("hex").replace(/(..)(?!$)/g, "$1 ");

// Shorthands the host and robustness tests write in one line, built from the builders above; v5 properties are
// given as their encoded entries (without the Property Length), a will's payload as text.

export interface ShortConnect {
  level?: number;
  clientId?: string;
  cleanStart?: boolean;
  keepAlive?: number;
  properties?: Bytes;
  will?: { qos: number; retain?: boolean; topicName?: string; payload?: string; properties?: Bytes };
}

/** CONNECT with defaults: 3.1.1, clientId "raw", Clean Session, keepAlive 60; a will on topic "w" saying "bye". */
export function connectBytes({ level = 4, clientId = "raw", cleanStart = true, keepAlive = 60, properties = [], will }: ShortConnect = {}): Buffer {
  return connect({
    level: level as ConnectFields["level"],
    clientId,
    cleanStart,
    keepAlive,
    properties: props(properties),
    will: will && { qos: will.qos, retain: will.retain, topic: will.topicName ?? "w", payload: utf8(will.payload ?? "bye"), properties: props(will.properties ?? []) },
  });
}

/** PUBLISH from positional fields; `flags` adds raw bits (DUP 0x08, RETAIN 0x01) to the first byte. */
export function publishBytes(level: number, topicName: string, payload: string, qos = 0, packetId = 0, properties: Bytes = [], flags = 0): Buffer {
  return packet(T.PUBLISH | (qos << 1) | flags, str(topicName), qos > 0 ? u16(packetId) : [], level === 5 ? props(properties) : [], utf8(payload));
}

/** SUBSCRIBE of one filter with its options byte. */
export const subscribeBytes = (level: number, packetId: number, topicFilter: string, options: number, properties: Bytes = []): Buffer =>
  subscribe(level, packetId, [[topicFilter, options]], level === 5 ? props(properties) : undefined);
