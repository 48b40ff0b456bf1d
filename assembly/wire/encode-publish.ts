// Encodes a PUBLISH up to its payload (3.3) into ENCODE_OUT; the remaining length counts payloadLength,
// and H_ENCODED_PACKET_ID_AT says where the packet id sits so the host can patch it per recipient.
import { PUBLISH, TYPE_SHIFT, FLAGS_MASK, PUBLISH_QOS_SHIFT, QOS_MASK } from "./packet-type";
import { H_ENCODED_PACKET_ID_AT, ENCODE_OUT_BYTES } from "../layout";
import { setWord } from "../util/header";
import { MALFORMED, PACKET_TOO_LARGE } from "./errors";
import { propertiesSize, writeProperties } from "./encode-properties";
import { varintSize, writeBegin, writeFixedHeader, writeString, writeU16, written } from "./writer";

export function encodePublish(level: i32, flags: i32, topicOffset: i32, topicLength: i32, packetId: i32, propsCount: i32, payloadLength: i32): i32 {
  const qos = (flags >> PUBLISH_QOS_SHIFT) & QOS_MASK;
  const props = level == 5 ? propertiesSize(propsCount) : 0;
  if (props < 0 || qos == 3) return -MALFORMED;
  const remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + (level == 5 ? varintSize(props) + props : 0) + payloadLength;
  if (remaining < 0 || remaining > 268435455 || remaining - payloadLength + 5 > ENCODE_OUT_BYTES) return -PACKET_TOO_LARGE;
  writeBegin();
  writeFixedHeader((PUBLISH << TYPE_SHIFT) | (flags & FLAGS_MASK), remaining);
  writeString(topicOffset, topicLength);
  setWord(H_ENCODED_PACKET_ID_AT, qos > 0 ? written() : -1);
  if (qos > 0) writeU16(packetId);
  if (level == 5) writeProperties(propsCount, props);
  return written();
}
