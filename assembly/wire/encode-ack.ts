// Encodes what the server sends besides PUBLISH: CONNACK (3.2), PUBACK/PUBREC/PUBREL/PUBCOMP (3.4-3.7),
// SUBACK/UNSUBACK (3.9, 3.11), PINGRESP (3.13), DISCONNECT (3.14), AUTH (3.15), v3.1.1 and v5.
import { CONNACK, PUBACK, PUBREL, PUBCOMP, SUBACK, UNSUBACK, PINGRESP, DISCONNECT, AUTH, TYPE_SHIFT, FLAGS_0010, CONNACK_SESSION_PRESENT } from "./packet-type";
import { ENCODE_OUT_BYTES } from "../layout";
import { MALFORMED, PACKET_TOO_LARGE } from "./errors";
import { propertiesSize, writeProperties } from "./encode-properties";
import { varintSize, writeBegin, writeFixedHeader, writeU8, writeU16, writeBytes, written } from "./writer";

function sized(remaining: i32): bool {
  return remaining + 5 <= ENCODE_OUT_BYTES;
}

export function encodeConnack(level: i32, sessionPresent: i32, reasonCode: i32, propsCount: i32): i32 {
  const props = level == 5 ? propertiesSize(propsCount) : 0;
  if (props < 0) return -MALFORMED;
  const remaining = 2 + (level == 5 ? varintSize(props) + props : 0);
  if (!sized(remaining)) return -PACKET_TOO_LARGE;
  writeBegin();
  writeFixedHeader(CONNACK << TYPE_SHIFT, remaining);
  writeU8(sessionPresent != 0 && level >= 4 ? CONNACK_SESSION_PRESENT : 0); // MQTT 3.1 (level 3) 3.2: that byte is reserved, no Session Present
  writeU8(reasonCode);
  if (level == 5) writeProperties(propsCount, props);
  return written();
}

/** type 4..7; v5 drops the reason code and properties when they are 0 and none (3.4.2.1). */
export function encodeAck(type: i32, level: i32, packetId: i32, reasonCode: i32, propsCount: i32): i32 {
  const props = level == 5 ? propertiesSize(propsCount) : 0;
  if (props < 0 || type < PUBACK || type > PUBCOMP) return -MALFORMED;
  const withProps = level == 5 && propsCount > 0;
  const withReason = withProps || (level == 5 && reasonCode != 0);
  const remaining = 2 + (withReason ? 1 : 0) + (withProps ? varintSize(props) + props : 0);
  if (!sized(remaining)) return -PACKET_TOO_LARGE;
  writeBegin();
  writeFixedHeader((type << TYPE_SHIFT) | (type == PUBREL ? FLAGS_0010 : 0), remaining); // [MQTT-3.6.1-1] PUBREL flags 0010
  writeU16(packetId);
  if (withReason) writeU8(reasonCode);
  if (withProps) writeProperties(propsCount, props);
  return written();
}

/** type 9 (SUBACK) or 11 (UNSUBACK); reason codes in SCRATCH_IN. A v3.1.1 UNSUBACK has none. */
export function encodeSubAck(type: i32, level: i32, packetId: i32, codesOffset: i32, codesCount: i32, propsCount: i32): i32 {
  const props = level == 5 ? propertiesSize(propsCount) : 0;
  if (props < 0 || (type != SUBACK && type != UNSUBACK)) return -MALFORMED;
  const codes = type == UNSUBACK && level < 5 ? 0 : codesCount;
  const remaining = 2 + (level == 5 ? varintSize(props) + props : 0) + codes;
  if (!sized(remaining)) return -PACKET_TOO_LARGE;
  writeBegin();
  writeFixedHeader(type << TYPE_SHIFT, remaining);
  writeU16(packetId);
  if (level == 5) writeProperties(propsCount, props);
  writeBytes(codesOffset, codes);
  return written();
}

export function encodePingresp(): i32 {
  writeBegin();
  writeFixedHeader(PINGRESP << TYPE_SHIFT, 0);
  return written();
}

/** DISCONNECT (14) or AUTH (15) with an optional reason code and properties (v5). */
function encodeReasonPacket(first: i32, level: i32, reasonCode: i32, propsCount: i32): i32 {
  const props = level == 5 ? propertiesSize(propsCount) : 0;
  if (props < 0) return -MALFORMED;
  const withProps = level == 5 && propsCount > 0;
  const withReason = withProps || (level == 5 && reasonCode != 0);
  const remaining = (withReason ? 1 : 0) + (withProps ? varintSize(props) + props : 0);
  if (!sized(remaining)) return -PACKET_TOO_LARGE;
  writeBegin();
  writeFixedHeader(first, remaining);
  if (withReason) writeU8(reasonCode);
  if (withProps) writeProperties(propsCount, props);
  return written();
}

export function encodeDisconnect(level: i32, reasonCode: i32, propsCount: i32): i32 {
  return encodeReasonPacket(DISCONNECT << TYPE_SHIFT, level, reasonCode, propsCount);
}

export function encodeAuth(reasonCode: i32, propsCount: i32): i32 {
  return encodeReasonPacket(AUTH << TYPE_SHIFT, 5, reasonCode, propsCount);
}
