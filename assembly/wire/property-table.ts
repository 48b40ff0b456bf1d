// MQTT 5.0 section 2.2.2.2, the one property table: each identifier's data type, the packets that may
// carry it (a bit per control packet type; bit 0 stands for the Will Properties of a CONNECT) and the
// rule on its value. host/core/property-ids.ts names the same ids; test/core/property-table.test.ts checks it.
import {
  CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK,
  PINGREQ, PINGRESP, DISCONNECT, AUTH,
} from "./packet-type";

export const T_BYTE: i32 = 1;
export const T_U16: i32 = 2;
export const T_U32: i32 = 3;
export const T_VARINT: i32 = 4;
export const T_STRING: i32 = 5;
export const T_BINARY: i32 = 6;
export const T_PAIR: i32 = 7;

/** Value rules: a byte flag is 0 or 1; a value of 0 is a Protocol Error. */
export const V_ANY: i32 = 0;
export const V_FLAG: i32 = 1;
export const V_NONZERO: i32 = 2;

export const IN_WILL: i32 = 1 << 0;
const ACKS: i32 = (1 << PUBACK) | (1 << PUBREC) | (1 << PUBREL) | (1 << PUBCOMP);
const ALL: i32 = 0xffff & ~((1 << PINGREQ) | (1 << PINGRESP));

export const SUBSCRIPTION_IDENTIFIER: i32 = 0x0b;
export const TOPIC_ALIAS: i32 = 0x23;
export const USER_PROPERTY: i32 = 0x26;

// A row packs packets (bits 0-15), type (bits 16-19) and value rule (bits 20-21).
@inline function row(type: i32, packets: i32, rule: i32): i32 {
  return packets | (type << 16) | (rule << 20);
}

/** The table row of a property identifier, 0 when the identifier is unknown. */
export function propertyRow(id: i32): i32 {
  switch (id) {
    case 0x01: return row(T_BYTE, (1 << PUBLISH) | IN_WILL, V_FLAG); // Payload Format Indicator 3.3.2.3.2
    case 0x02: return row(T_U32, (1 << PUBLISH) | IN_WILL, V_ANY); // Message Expiry Interval
    case 0x03: return row(T_STRING, (1 << PUBLISH) | IN_WILL, V_ANY); // Content Type
    case 0x08: return row(T_STRING, (1 << PUBLISH) | IN_WILL, V_ANY); // Response Topic
    case 0x09: return row(T_BINARY, (1 << PUBLISH) | IN_WILL, V_ANY); // Correlation Data
    case SUBSCRIPTION_IDENTIFIER: return row(T_VARINT, (1 << PUBLISH) | (1 << SUBSCRIBE), V_NONZERO); // 3.8.2.1.2
    case 0x11: return row(T_U32, (1 << CONNECT) | (1 << CONNACK) | (1 << DISCONNECT), V_ANY); // Session Expiry Interval
    case 0x12: return row(T_STRING, 1 << CONNACK, V_ANY); // Assigned Client Identifier
    case 0x13: return row(T_U16, 1 << CONNACK, V_ANY); // Server Keep Alive
    case 0x15: return row(T_STRING, (1 << CONNECT) | (1 << CONNACK) | (1 << AUTH), V_ANY); // Authentication Method
    case 0x16: return row(T_BINARY, (1 << CONNECT) | (1 << CONNACK) | (1 << AUTH), V_ANY); // Authentication Data
    case 0x17: return row(T_BYTE, 1 << CONNECT, V_FLAG); // Request Problem Information 3.1.2.11.7
    case 0x18: return row(T_U32, IN_WILL, V_ANY); // Will Delay Interval
    case 0x19: return row(T_BYTE, 1 << CONNECT, V_FLAG); // Request Response Information 3.1.2.11.6
    case 0x1a: return row(T_STRING, 1 << CONNACK, V_ANY); // Response Information
    case 0x1c: return row(T_STRING, (1 << CONNACK) | (1 << DISCONNECT), V_ANY); // Server Reference
    case 0x1f: return row(T_STRING, (1 << CONNACK) | ACKS | (1 << SUBACK) | (1 << UNSUBACK) | (1 << DISCONNECT) | (1 << AUTH), V_ANY); // Reason String
    case 0x21: return row(T_U16, (1 << CONNECT) | (1 << CONNACK), V_NONZERO); // Receive Maximum 3.1.2.11.3
    case 0x22: return row(T_U16, (1 << CONNECT) | (1 << CONNACK), V_ANY); // Topic Alias Maximum
    case TOPIC_ALIAS: return row(T_U16, 1 << PUBLISH, V_NONZERO); // Topic Alias 3.3.2.3.4
    case 0x24: return row(T_BYTE, 1 << CONNACK, V_FLAG); // Maximum QoS 3.2.2.3.4
    case 0x25: return row(T_BYTE, 1 << CONNACK, V_FLAG); // Retain Available
    case USER_PROPERTY: return row(T_PAIR, ALL, V_ANY); // User Property: all but PINGREQ / PINGRESP
    case 0x27: return row(T_U32, (1 << CONNECT) | (1 << CONNACK), V_NONZERO); // Maximum Packet Size 3.1.2.11.4
    case 0x28: return row(T_BYTE, 1 << CONNACK, V_FLAG); // Wildcard Subscription Available
    case 0x29: return row(T_BYTE, 1 << CONNACK, V_FLAG); // Subscription Identifier Available
    case 0x2a: return row(T_BYTE, 1 << CONNACK, V_FLAG); // Shared Subscription Available
    default: return 0;
  }
}

/** Packet bits in which the property of this row may appear. */
@inline export function rowPackets(row: i32): i32 {
  return row & 0xffff;
}

/** Data type of the property of this row. */
@inline export function rowType(row: i32): i32 {
  return (row >> 16) & 15;
}

/** Value rule of the property of this row. */
@inline export function rowRule(row: i32): i32 {
  return (row >> 20) & 3;
}

/** Data type of a property identifier, 0 when the identifier is unknown. */
export function propertyType(id: i32): i32 {
  return rowType(propertyRow(id));
}

/** Whether the property may appear more than once in the packet (bit as above). */
export function repeatable(id: i32, packetBit: i32): bool {
  if (id == USER_PROPERTY) return true; // User Property may appear multiple times
  return id == SUBSCRIPTION_IDENTIFIER && packetBit == 1 << PUBLISH; // several Subscription Identifiers in a PUBLISH to a client
}
