// SUBSCRIBE (3.8) and UNSUBSCRIBE (3.10): packet id, properties (v5), then the topic filters into
// ITEM_WORDS items [filterOffset, filterLength, options] in FIELDS. SUBACK/UNSUBACK items are reason codes.
import { SUBSCRIBE, SUBACK, UNSUBSCRIBE, QOS_MASK, OPTION_NO_LOCAL, OPTION_RESERVED_V3, OPTION_RESERVED_V5, OPTION_RETAIN_HANDLING_SHIFT } from "./packet-type";
import { R_PACKET_ID, R_PROPS_FIRST, R_PROPS_COUNT, R_ITEMS_FIRST, R_ITEMS_COUNT, ITEM_WORDS } from "../layout";
import { MALFORMED, PROTOCOL_ERROR } from "./errors";
import { base, fail, pos, end, setFail, readU8, readU16, readString, fieldOffset, fieldLength } from "./reader";
import { put } from "./record";
import { reserve, putField } from "./fields";
import { readProperties, propsFirst, propsCount } from "./properties";
import { checkTopicFilter, sharePrefix } from "./topic-check";

let itemsFirst: i32 = 0;
let itemsCount: i32 = 0;

function readHead(type: i32, level: i32): void {
  itemsFirst = 0; itemsCount = 0;
  const packetId = readU16();
  put(R_PACKET_ID, packetId);
  if (fail == 0 && packetId == 0) setFail(PROTOCOL_ERROR); // v5 [MQTT-2.2.1-3] v3.1.1 [MQTT-2.3.1-1] non-zero packet id
  if (fail != 0 || level != 5) return;
  readProperties(1 << type);
  put(R_PROPS_FIRST, propsFirst);
  put(R_PROPS_COUNT, propsCount);
}

function addItem(a: i32, b: i32, c: i32): void {
  const item = reserve(ITEM_WORDS);
  if (item < 0) return;
  if (itemsCount == 0) itemsFirst = item;
  itemsCount++;
  putField(item, a);
  putField(item + 1, b);
  putField(item + 2, c);
}

function finish(): void {
  put(R_ITEMS_FIRST, itemsFirst);
  put(R_ITEMS_COUNT, itemsCount);
}

export function decodeSubscribe(level: i32): void {
  readHead(SUBSCRIBE, level);
  while (fail == 0 && pos < end) {
    readString(); // [MQTT-3.8.3-1] topic filters are UTF-8 strings
    const options = readU8();
    if (fail != 0) break;
    checkOptions(options, level);
    if (fail != 0) break;
    setFail(-checkTopicFilter(base + <usize>fieldOffset, fieldLength)); // [MQTT-4.7.3-1] and 4.7.1 wildcard rules
    if (level == 5 && (options & OPTION_NO_LOCAL) != 0 && sharePrefix(base + <usize>fieldOffset, fieldLength) > 0) setFail(PROTOCOL_ERROR); // v5 [MQTT-3.8.3-4] no No Local on a shared subscription
    addItem(fieldOffset, fieldLength, options);
  }
  if (fail == 0 && itemsCount == 0) setFail(level == 5 ? PROTOCOL_ERROR : MALFORMED); // v5 [MQTT-3.8.3-2] v3.1.1 [MQTT-3.8.3-3] at least one filter
  finish();
}

function checkOptions(options: i32, level: i32): void {
  if (level < 5) {
    if ((options & QOS_MASK) == 3 || (options & OPTION_RESERVED_V3) != 0) setFail(MALFORMED); // v3.1.1 [MQTT-3.8.3-4] QoS 3 or reserved bits
    return;
  }
  if ((options & OPTION_RESERVED_V5) != 0) setFail(MALFORMED); // v5 [MQTT-3.8.3-5] reserved bits
  else if ((options & QOS_MASK) == 3 || ((options >> OPTION_RETAIN_HANDLING_SHIFT) & 3) == 3) setFail(PROTOCOL_ERROR); // v5 3.8.3.1: Maximum QoS 3 and Retain Handling 3 are Protocol Errors
}

export function decodeUnsubscribe(level: i32): void {
  readHead(UNSUBSCRIBE, level);
  while (fail == 0 && pos < end) {
    readString(); // [MQTT-3.10.3-1] topic filters are UTF-8 strings
    if (fail != 0) break;
    setFail(-checkTopicFilter(base + <usize>fieldOffset, fieldLength));
    addItem(fieldOffset, fieldLength, 0);
  }
  if (fail == 0 && itemsCount == 0) setFail(level == 5 ? PROTOCOL_ERROR : MALFORMED); // [MQTT-3.10.3-2] at least one filter
  finish();
}

/** SUBACK (9) / UNSUBACK (11): packet id, properties (v5), reason codes as items [code, 0, 0]. */
export function decodeSubAck(type: i32, level: i32): void {
  readHead(type, level);
  while (fail == 0 && pos < end) addItem(readU8(), 0, 0);
  if (fail == 0 && type == SUBACK && itemsCount == 0) setFail(MALFORMED); // a SUBACK has a code per filter
  finish();
}
