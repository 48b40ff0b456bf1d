// Decodes an MQTT 5.0 property section into PROP_WORDS entries in FIELDS, rejecting unknown ids,
// ids not allowed in the packet, duplicates, and out-of-range values (section 2.2.2.2, 3.x.2.x).
import { PROP_WORDS } from "../layout";
import { MALFORMED, PROTOCOL_ERROR } from "./errors";
import { fail, pos, end, setEnd, setFail, readU8, readU16, readU32, readVarint, readString, readBinary, fieldOffset, fieldLength } from "./reader";
import { reserve, putField } from "./fields";
import {
  propertyRow, rowPackets, rowType, rowRule, repeatable, T_BYTE, T_U16, T_U32, T_STRING, T_BINARY, V_FLAG, V_NONZERO, TOPIC_ALIAS,
} from "./property-table";

export let propsFirst: i32 = 0;
export let propsCount: i32 = 0;
/** The Topic Alias value (0x23) of the last section read, 0 when absent. */
export let topicAlias: i32 = 0;

/** Reads a property section for the packet bit `packetBit` (1 << type, or IN_WILL). */
export function readProperties(packetBit: i32): void {
  propsFirst = 0; propsCount = 0; topicAlias = 0;
  const length = readVarint();
  if (fail != 0) return;
  const outer = end;
  if (length > outer - pos) { setFail(MALFORMED); return; } // 2.2.2.1 the property length must fit in the packet
  setEnd(pos + length);
  let seen: u64 = 0;
  while (fail == 0 && pos < end) {
    const id = readU8();
    const row = propertyRow(id);
    const bit: u64 = (<u64>1) << <u64>(id & 63);
    if ((rowPackets(row) & packetBit) == 0) { setFail(MALFORMED); break; } // 2.2.2.2 id not valid for the packet: malformed
    if ((seen & bit) != 0 && !repeatable(id, packetBit)) { setFail(PROTOCOL_ERROR); break; } // 2.2.2.2 included more than once
    seen |= bit;
    readProperty(id, row);
  }
  setEnd(outer);
}

function readProperty(id: i32, row: i32): void {
  const entry = reserve(PROP_WORDS);
  if (entry < 0) return;
  if (propsCount == 0) propsFirst = entry;
  propsCount++;
  putField(entry, id);
  putField(entry + 3, 0);
  putField(entry + 4, 0);
  const type = rowType(row);
  if (type == T_STRING || type == T_BINARY) {
    if (type == T_STRING) readString(); else readBinary();
    putField(entry + 1, fieldOffset);
    putField(entry + 2, fieldLength);
    return;
  }
  if (type > T_BINARY) { // user property: a UTF-8 string pair
    readString();
    putField(entry + 1, fieldOffset);
    putField(entry + 2, fieldLength);
    readString();
    putField(entry + 3, fieldOffset);
    putField(entry + 4, fieldLength);
    return;
  }
  const value = type == T_BYTE ? readU8() : type == T_U16 ? readU16() : type == T_U32 ? readU32() : readVarint();
  putField(entry + 1, value);
  putField(entry + 2, 0);
  checkValue(id, rowRule(row), value);
}

function checkValue(id: i32, rule: i32, value: i32): void {
  if (fail != 0) return;
  if (rule == V_FLAG && value > 1) setFail(PROTOCOL_ERROR); // byte flags are 0 or 1 (3.1.2.11.7, 3.2.2.3.x, 3.3.2.3.2)
  if (rule == V_NONZERO && value == 0) setFail(PROTOCOL_ERROR); // 3.8.2.1.2, 3.1.2.11.3, 3.1.2.11.4, 3.3.2.3.4: 0 is a Protocol Error
  if (id == TOPIC_ALIAS) topicAlias = value;
}
