// CONNECT (3.1): protocol name and level, connect flags, keep alive, properties, then the payload
// (client id, will properties/topic/payload, username, password) into a CONNECT_WORDS block in FIELDS.
import { CONNECT, CONNECT_RESERVED, CONNECT_WILL, CONNECT_WILL_QOS_SHIFT, CONNECT_WILL_RETAIN, CONNECT_PASSWORD, CONNECT_USERNAME, QOS_MASK } from "./packet-type";
import {
  R_ITEMS_FIRST, R_ITEMS_COUNT, R_PROPS_FIRST, R_PROPS_COUNT, CONNECT_WORDS, C_PROTOCOL_LEVEL, C_CONNECT_FLAGS,
  C_KEEP_ALIVE, C_CLIENT_ID_OFFSET, C_CLIENT_ID_LENGTH, C_WILL_PROPS_FIRST, C_WILL_PROPS_COUNT, C_WILL_TOPIC_OFFSET,
  C_WILL_TOPIC_LENGTH, C_WILL_PAYLOAD_OFFSET, C_WILL_PAYLOAD_LENGTH, C_USERNAME_OFFSET, C_USERNAME_LENGTH,
  C_PASSWORD_OFFSET, C_PASSWORD_LENGTH,
} from "../layout";
import { MALFORMED, UNSUPPORTED_PROTOCOL_VERSION } from "./errors";
import { base, fail, pos, end, setFail, readU8, readU16, readString, readBinary, fieldOffset, fieldLength } from "./reader";
import { reserve, putField } from "./fields";
import { put } from "./record";
import { readProperties, propsFirst, propsCount } from "./properties";
import { IN_WILL } from "./property-table";
import { checkTopicName } from "./topic-check";

/** The protocol level of the last CONNECT decoded. */
export let connectLevel: i32 = 0;
let block: i32 = 0;

export function decodeConnect(): void {
  block = reserve(CONNECT_WORDS);
  if (block < 0) return;
  for (let i = 0; i < CONNECT_WORDS; i++) putField(block + i, i & 1 ? -1 : 0);
  put(R_ITEMS_FIRST, block);
  put(R_ITEMS_COUNT, 1);
  connectLevel = readProtocol();
  if (fail != 0) return;
  const flags = readU8();
  const keepAlive = readU16();
  putField(block + C_CONNECT_FLAGS, flags);
  putField(block + C_KEEP_ALIVE, keepAlive);
  if (fail != 0) return;
  checkFlags(flags);
  if (fail != 0) return;
  if (connectLevel == 5) {
    readProperties(1 << CONNECT);
    put(R_PROPS_FIRST, propsFirst);
    put(R_PROPS_COUNT, propsCount);
  }
  readPayload(flags);
  if (fail == 0 && pos != end) setFail(MALFORMED); // bytes left over after the payload
}

/** The protocol level, after checking the name goes with it; sets -0x84 otherwise. */
function readProtocol(): i32 {
  readString();
  const level = readU8();
  putField(block + C_PROTOCOL_LEVEL, level);
  if (fail != 0) return 0;
  const at = base + <usize>fieldOffset;
  const mqtt = fieldLength == 4 && load<u32>(at) == 0x5454514d; // "MQTT"
  const mqisdp = fieldLength == 6 && load<u32>(at) == 0x7349514d && load<u16>(at + 4) == 0x7064; // "MQIsdp"
  if (!mqtt && !mqisdp) { setFail(UNSUPPORTED_PROTOCOL_VERSION); return level; } // [MQTT-3.1.2-1] protocol name
  if ((mqtt && (level == 4 || level == 5)) || (mqisdp && level == 3)) return level;
  setFail(UNSUPPORTED_PROTOCOL_VERSION); // [MQTT-3.1.2-2] unsupported protocol level
  return level;
}

function checkFlags(flags: i32): void {
  const will = (flags & CONNECT_WILL) != 0;
  const willQos = (flags >> CONNECT_WILL_QOS_SHIFT) & QOS_MASK;
  if ((flags & CONNECT_RESERVED) != 0) { setFail(MALFORMED); return; } // [MQTT-3.1.2-3] reserved flag must be 0
  if (!will && willQos != 0) { setFail(MALFORMED); return; } // v5 [MQTT-3.1.2-11] v3.1.1 [MQTT-3.1.2-13]
  if (!will && (flags & CONNECT_WILL_RETAIN) != 0) { setFail(MALFORMED); return; } // v5 [MQTT-3.1.2-13] v3.1.1 [MQTT-3.1.2-15]
  if (willQos == 3) { setFail(MALFORMED); return; } // v5 [MQTT-3.1.2-12] v3.1.1 [MQTT-3.1.2-14]
  if (connectLevel < 5 && (flags & (CONNECT_USERNAME | CONNECT_PASSWORD)) == CONNECT_PASSWORD) setFail(MALFORMED); // v3.1.1 [MQTT-3.1.2-22] password needs a username
}

function readPayload(flags: i32): void {
  readString(); // v5 [MQTT-3.1.3-4] v3.1.1 [MQTT-3.1.3-4] client id is a UTF-8 string
  putPair(C_CLIENT_ID_OFFSET);
  if ((flags & CONNECT_WILL) != 0) readWill();
  if ((flags & CONNECT_USERNAME) != 0) { readString(); putPair(C_USERNAME_OFFSET); }
  if ((flags & CONNECT_PASSWORD) != 0) { readBinary(); putPair(C_PASSWORD_OFFSET); }
}

function readWill(): void {
  if (connectLevel == 5) {
    readProperties(IN_WILL);
    putField(block + C_WILL_PROPS_FIRST, propsFirst);
    putField(block + C_WILL_PROPS_COUNT, propsCount);
  }
  readString();
  if (fail == 0) setFail(-checkTopicName(base + <usize>fieldOffset, fieldLength));
  putPair(C_WILL_TOPIC_OFFSET);
  readBinary();
  putPair(C_WILL_PAYLOAD_OFFSET);
}

function putPair(offsetWord: i32): void {
  if (fail != 0) return;
  putField(block + offsetWord, fieldOffset);
  putField(block + offsetWord + 1, fieldLength);
}
