// PUBLISH (3.3): QoS from the flags, topic name, packet id when QoS > 0, properties (v5), payload = the rest.
import { PUBLISH, PUBLISH_DUP, PUBLISH_QOS_SHIFT, QOS_MASK } from "./packet-type";
import { R_PACKET_ID, R_TOPIC_OFFSET, R_TOPIC_LENGTH, R_PAYLOAD_OFFSET, R_PAYLOAD_LENGTH, R_PROPS_FIRST, R_PROPS_COUNT, R_EXTRA } from "../layout";
import { MALFORMED, PROTOCOL_ERROR } from "./errors";
import { base, fail, pos, end, setFail, readU16, readString, fieldOffset, fieldLength } from "./reader";
import { put } from "./record";
import { readProperties, propsFirst, propsCount, topicAlias } from "./properties";
import { checkTopicName } from "./topic-check";

export function decodePublish(flags: i32, level: i32): void {
  const qos = (flags >> PUBLISH_QOS_SHIFT) & QOS_MASK;
  if (qos == 3) { setFail(MALFORMED); return; } // [MQTT-3.3.1-4] QoS bits must not both be 1
  if (qos == 0 && (flags & PUBLISH_DUP) != 0) { setFail(MALFORMED); return; } // [MQTT-3.3.1-2] DUP must be 0 at QoS 0
  readString(); // [MQTT-3.3.2-1] topic name is a UTF-8 string
  const topicOffset = fieldOffset, topicLength = fieldLength;
  put(R_TOPIC_OFFSET, topicOffset);
  put(R_TOPIC_LENGTH, topicLength);
  if (qos > 0) {
    const packetId = readU16();
    put(R_PACKET_ID, packetId);
    if (fail == 0 && packetId == 0) setFail(PROTOCOL_ERROR); // v5 [MQTT-2.2.1-3] v3.1.1 [MQTT-2.3.1-1] non-zero packet id
  }
  if (fail != 0) return;
  if (level == 5) {
    readProperties(1 << PUBLISH);
    put(R_PROPS_FIRST, propsFirst);
    put(R_PROPS_COUNT, propsCount);
    put(R_EXTRA, topicAlias);
    if (fail != 0) return;
    if (topicLength == 0) {
      if (topicAlias == 0) setFail(PROTOCOL_ERROR); // v5 3.3.2.3.4: an empty topic name needs a Topic Alias
    } else {
      setFail(-checkTopicName(base + <usize>topicOffset, topicLength)); // v5 [MQTT-3.3.2-2] no wildcards
    }
  } else {
    setFail(-checkTopicName(base + <usize>topicOffset, topicLength)); // v3.1.1 [MQTT-3.3.2-2] [MQTT-4.7.3-1]
  }
  put(R_PAYLOAD_OFFSET, pos);
  put(R_PAYLOAD_LENGTH, end - pos);
}
