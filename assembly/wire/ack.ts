// The short packets: PUBACK/PUBREC/PUBREL/PUBCOMP (3.4-3.7), CONNACK (3.2), DISCONNECT (3.14), AUTH (3.15),
// PINGREQ/PINGRESP (3.12, 3.13). v5 reason code and properties are optional when the packet ends early.
import { CONNACK, AUTH, CONNACK_SESSION_PRESENT } from "./packet-type";
import { R_PACKET_ID, R_REASON, R_EXTRA, R_PROPS_FIRST, R_PROPS_COUNT } from "../layout";
import { MALFORMED, PROTOCOL_ERROR } from "./errors";
import { fail, pos, end, setFail, readU8, readU16 } from "./reader";
import { put } from "./record";
import { readProperties, propsFirst, propsCount } from "./properties";

function readTail(type: i32): void {
  if (pos < end) put(R_REASON, readU8());
  if (fail == 0 && pos < end) {
    readProperties(1 << type);
    put(R_PROPS_FIRST, propsFirst);
    put(R_PROPS_COUNT, propsCount);
  }
}

function noneLeft(): void {
  if (fail == 0 && pos != end) setFail(MALFORMED); // bytes beyond what the packet defines
}

export function decodeAck(type: i32, level: i32): void {
  const packetId = readU16();
  put(R_PACKET_ID, packetId);
  if (fail == 0 && packetId == 0) setFail(PROTOCOL_ERROR); // v5 [MQTT-2.2.1-3] v3.1.1 [MQTT-2.3.1-1] non-zero packet id
  if (fail == 0 && level == 5) readTail(type);
  noneLeft();
}

export function decodeConnack(level: i32): void {
  const ackFlags = readU8();
  put(R_REASON, readU8());
  put(R_EXTRA, ackFlags & CONNACK_SESSION_PRESENT);
  if (fail == 0 && (ackFlags & ~CONNACK_SESSION_PRESENT) != 0) setFail(MALFORMED); // v5 [MQTT-3.2.2-1] v3.1.1 3.2.2.1 reserved bits 0
  if (fail == 0 && level == 5) {
    readProperties(1 << CONNACK);
    put(R_PROPS_FIRST, propsFirst);
    put(R_PROPS_COUNT, propsCount);
  }
  noneLeft();
}

/** DISCONNECT (14) and AUTH (15); AUTH exists only in v5. */
export function decodeDisconnectOrAuth(type: i32, level: i32): void {
  if (level < 5 && type == AUTH) { setFail(MALFORMED); return; } // AUTH is not a v3.1.1 packet type
  if (level == 5) readTail(type);
  noneLeft();
}

export function decodeEmpty(): void {
  noneLeft();
}
