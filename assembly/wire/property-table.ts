// MQTT 5.0 section 2.2.2.2: every property identifier, its data type, and the packets that may carry it
// (a bit per control packet type; bit 0 stands for the Will Properties of a CONNECT).
export const T_BYTE: i32 = 1;
export const T_U16: i32 = 2;
export const T_U32: i32 = 3;
export const T_VARINT: i32 = 4;
export const T_STRING: i32 = 5;
export const T_BINARY: i32 = 6;
export const T_PAIR: i32 = 7;

export const IN_WILL: i32 = 1 << 0;
const CONNECT: i32 = 1 << 1;
const CONNACK: i32 = 1 << 2;
const PUBLISH: i32 = 1 << 3;
const PUBACK: i32 = 1 << 4;
const PUBREC: i32 = 1 << 5;
const PUBREL: i32 = 1 << 6;
const PUBCOMP: i32 = 1 << 7;
const SUBSCRIBE: i32 = 1 << 8;
const SUBACK: i32 = 1 << 9;
const UNSUBSCRIBE: i32 = 1 << 10;
const UNSUBACK: i32 = 1 << 11;
const DISCONNECT: i32 = 1 << 14;
const AUTH: i32 = 1 << 15;
const ACKS: i32 = PUBACK | PUBREC | PUBREL | PUBCOMP;

/** Data type of a property identifier, 0 when the identifier is unknown. */
export function propertyType(id: i32): i32 {
  switch (id) {
    case 0x01: case 0x17: case 0x19: case 0x24: case 0x25: case 0x28: case 0x29: case 0x2a: return T_BYTE;
    case 0x13: case 0x21: case 0x22: case 0x23: return T_U16;
    case 0x02: case 0x11: case 0x18: case 0x27: return T_U32;
    case 0x0b: return T_VARINT;
    case 0x03: case 0x08: case 0x12: case 0x15: case 0x1a: case 0x1c: case 0x1f: return T_STRING;
    case 0x09: case 0x16: return T_BINARY;
    case 0x26: return T_PAIR;
    default: return 0;
  }
}

/** Packet bits in which the property may appear. */
export function propertyPackets(id: i32): i32 {
  switch (id) {
    case 0x01: case 0x02: case 0x03: case 0x08: case 0x09: return PUBLISH | IN_WILL;
    case 0x0b: return PUBLISH | SUBSCRIBE;
    case 0x11: return CONNECT | CONNACK | DISCONNECT;
    case 0x12: case 0x13: case 0x1a: case 0x24: case 0x25: case 0x28: case 0x29: case 0x2a: return CONNACK;
    case 0x15: case 0x16: return CONNECT | CONNACK | AUTH;
    case 0x17: case 0x19: return CONNECT;
    case 0x18: return IN_WILL;
    case 0x1c: return CONNACK | DISCONNECT;
    case 0x1f: return CONNACK | ACKS | SUBACK | UNSUBACK | DISCONNECT | AUTH;
    case 0x21: case 0x22: case 0x27: return CONNECT | CONNACK;
    case 0x23: return PUBLISH;
    case 0x26: return 0xffff & ~((1 << 12) | (1 << 13)); // all but PINGREQ / PINGRESP
    default: return 0;
  }
}

/** Whether the property may appear more than once in the packet (bit as above). */
export function repeatable(id: i32, packetBit: i32): bool {
  if (id == 0x26) return true; // User Property may appear multiple times
  return id == 0x0b && packetBit == PUBLISH; // several Subscription Identifiers in a PUBLISH to a client
}
