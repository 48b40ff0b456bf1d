// The client's v5 Maximum Packet Size (3.1.2.11.4) and Request Problem Information (3.1.2.11.7) applied to a packet
// the server is about to send: its Reason String and User Properties dropped when they would cross the limit or the
// client asked for none; a packet still over the limit is not sent. Used by the one send gate, Connection.write.
import { PROPERTY_BY_ID, T_BINARY, T_BYTE, T_PAIR, T_STRING, T_U16, T_U32, T_VARINT } from "../core/property-ids.ts";
import { PacketType } from "./packet-type.ts";

const REASON_STRING = 0x1f, USER_PROPERTY = 0x26;

/** `packet` as it may be sent under `maxPacketSize` (0: no limit): itself, a copy without Reason String and User
 *  Properties, or undefined when even that is too large: v5 [MQTT-3.1.2-24]. */
export function fitPacket(packet: Buffer, maxPacketSize: number): Buffer | undefined {
  if (maxPacketSize === 0 || packet.length <= maxPacketSize) return packet;
  const stripped = withoutDiagnostics(packet);
  return stripped !== undefined && stripped.length <= maxPacketSize ? stripped : undefined;
}

/** `packet` for a client whose Request Problem Information is 0: a Reason String or User Property only on a CONNACK or
 *  DISCONNECT (PUBLISH keeps its own), v5 [MQTT-3.1.2-29]. */
export function withoutProblemInformation(packet: Buffer): Buffer {
  const type = packet[0]! >> 4;
  if (type === PacketType.Connack || type === PacketType.Disconnect) return packet;
  return withoutDiagnostics(packet) ?? packet;
}

/** A copy of a v5 packet other than PUBLISH without its Reason String and User Property entries (v5 [MQTT-3.2.2-19]
 *  [MQTT-3.2.2-20] CONNACK, [MQTT-3.4.2-2] [MQTT-3.4.2-3] PUBACK, [MQTT-3.5.2-2] [MQTT-3.5.2-3] PUBREC,
 *  [MQTT-3.6.2-2] [MQTT-3.6.2-3] PUBREL, [MQTT-3.7.2-2] [MQTT-3.7.2-3] PUBCOMP, [MQTT-3.9.2-1] [MQTT-3.9.2-2] SUBACK,
 *  [MQTT-3.11.2-1] [MQTT-3.11.2-2] UNSUBACK, [MQTT-3.14.2-3] [MQTT-3.14.2-4] DISCONNECT, [MQTT-3.15.2-2]
 *  [MQTT-3.15.2-3] AUTH); undefined when it has none to drop. */
function withoutDiagnostics(packet: Buffer): Buffer | undefined {
  const [remaining, remainingBytes] = varint(packet, 1);
  const headerLength = 1 + remainingBytes;
  const type = packet[0]! >> 4;
  const start = headerLength + propertiesAfter(type);
  if (start >= headerLength + remaining) return undefined; // no property section
  const [length, lengthBytes] = varint(packet, start);
  const kept: Buffer[] = [];
  for (let at = start + lengthBytes, end = at + length; at < end;) {
    const next = at + 1 + valueLength(packet, at + 1, PROPERTY_BY_ID[packet[at]!]?.[1] ?? 0);
    if (packet[at] !== REASON_STRING && packet[at] !== USER_PROPERTY) kept.push(packet.subarray(at, next));
    at = next;
  }
  const props = Buffer.concat(kept);
  if (props.length === length) return undefined;
  const tail = packet.subarray(start + lengthBytes + length);
  const body = Buffer.concat([packet.subarray(headerLength, start), encodeVarint(props.length), props, tail]);
  return Buffer.concat([Buffer.from([packet[0]!]), encodeVarint(body.length), body]);
}

/** Bytes of the variable header before the Property Length, by packet type (v5). */
function propertiesAfter(type: number): number {
  switch (type) {
    case PacketType.Connack: case PacketType.Suback: case PacketType.Unsuback: return 2; // flags + code; packetId
    case PacketType.Puback: case PacketType.Pubrec: case PacketType.Pubrel: case PacketType.Pubcomp: return 3; // packetId + code
    case PacketType.Disconnect: case PacketType.Auth: return 1; // reason code
    default: return Infinity; // PUBLISH keeps its properties: too large, it is not sent at all
  }
}

function valueLength(packet: Buffer, at: number, type: number): number {
  switch (type) {
    case T_BYTE: return 1;
    case T_U16: return 2;
    case T_U32: return 4;
    case T_VARINT: return varint(packet, at)[1];
    case T_STRING: case T_BINARY: return 2 + packet.readUInt16BE(at);
    case T_PAIR: { const key = 2 + packet.readUInt16BE(at); return key + 2 + packet.readUInt16BE(at + key); }
    default: return packet.length; // unknown: the encoder never writes one; ends the walk
  }
}

/** A variable byte integer at `at`: [value, its length in bytes]. */
function varint(packet: Buffer, at: number): [number, number] {
  let value = 0, n = 0;
  for (let multiplier = 1; n < 4; multiplier *= 128) {
    const b = packet[at + n++] ?? 0;
    value += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) break;
  }
  return [value, n];
}

function encodeVarint(value: number): Buffer {
  const out: number[] = [];
  do {
    const b = value % 128;
    value = Math.floor(value / 128);
    out.push(value > 0 ? b | 0x80 : b);
  } while (value > 0);
  return Buffer.from(out);
}
