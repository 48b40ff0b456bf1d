// Control packet types (2.1.2) and the bit masks of the fixed header and the CONNECT and SUBSCRIBE
// flag bytes (2.1.3, 3.1.2.3, 3.8.3.1): the names every decoder and encoder uses instead of literals.
/** Type 0 is reserved (2.1.2). */
export const RESERVED_TYPE: i32 = 0;
export const CONNECT: i32 = 1;
export const CONNACK: i32 = 2;
export const PUBLISH: i32 = 3;
export const PUBACK: i32 = 4;
export const PUBREC: i32 = 5;
export const PUBREL: i32 = 6;
export const PUBCOMP: i32 = 7;
export const SUBSCRIBE: i32 = 8;
export const SUBACK: i32 = 9;
export const UNSUBSCRIBE: i32 = 10;
export const UNSUBACK: i32 = 11;
export const PINGREQ: i32 = 12;
export const PINGRESP: i32 = 13;
export const DISCONNECT: i32 = 14;
export const AUTH: i32 = 15;

// The first byte: type << 4 | flags; PUBLISH flags are dup << 3 | qos << 1 | retain.
export const TYPE_SHIFT: i32 = 4;
export const FLAGS_MASK: i32 = 0x0f;
export const PUBLISH_DUP: i32 = 0x08;
export const PUBLISH_QOS_SHIFT: i32 = 1;
export const PUBLISH_RETAIN: i32 = 0x01;
export const QOS_MASK: i32 = 3;
/** The flags nibble of PUBREL, SUBSCRIBE and UNSUBSCRIBE [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1]. */
export const FLAGS_0010: i32 = 0x02;

// CONNACK acknowledge flags (3.2.2.1): bits 7-1 reserved.
export const CONNACK_SESSION_PRESENT: i32 = 0x01;

// CONNECT flags byte (3.1.2.3).
export const CONNECT_RESERVED: i32 = 0x01;
export const CONNECT_CLEAN_START: i32 = 0x02;
export const CONNECT_WILL: i32 = 0x04;
export const CONNECT_WILL_QOS_SHIFT: i32 = 3;
export const CONNECT_WILL_RETAIN: i32 = 0x20;
export const CONNECT_PASSWORD: i32 = 0x40;
export const CONNECT_USERNAME: i32 = 0x80;

// SUBSCRIBE options byte (3.8.3.1): QoS in bits 0-1, then these.
export const OPTION_NO_LOCAL: i32 = 0x04;
export const OPTION_RETAIN_AS_PUBLISHED: i32 = 0x08;
export const OPTION_RETAIN_HANDLING_SHIFT: i32 = 4;
export const OPTION_RESERVED_V5: i32 = 0xc0;
export const OPTION_RESERVED_V3: i32 = 0xfc;

// Variable byte integer (1.5.5): 7 value bits a byte, the high bit says another byte follows.
export const VARINT_MORE: i32 = 0x80;
export const VARINT_VALUE: i32 = 0x7f;
