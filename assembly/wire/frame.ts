// frame(): walks the inbox, reads each fixed header (2.1), refuses oversize packets from the header alone,
// and decodes every whole packet into a record. Stops after an error record or when RECORDS/FIELDS fill.
// frameHead(): one big PUBLISH of which the inbox holds only the head; its payload is never read.
import { CONNECT, PUBLISH, TYPE_SHIFT, FLAGS_MASK, PUBLISH_QOS_SHIFT, QOS_MASK } from "./packet-type";
import {
  H_INBOX, H_RECORDS, H_FIELDS, H_CONSUMED, H_NEED_LENGTH, H_FIELDS_USED, H_PROTOCOL_LEVEL, MAX_RECORDS, RECORD_WORDS,
  R_TYPE, R_FLAGS, R_ERROR, R_START, R_LENGTH, R_PAYLOAD_LENGTH,
} from "../layout";
import { getWord, setWord } from "../util/header";
import { MALFORMED, PACKET_TOO_LARGE, FIELDS_FULL } from "./errors";
import { begin, fail } from "./reader";
import { fieldsBegin, fieldsUsed, fieldsRewind } from "./fields";
import { recordBegin, put, get } from "./record";
import { decodeBody } from "./dispatch";
import { decodeVarint, varintLength, VARINT_INCOMPLETE } from "./varint";
import { connectLevel } from "./connect";

const INCOMPLETE: i32 = VARINT_INCOMPLETE; // the fixed header has not all arrived
let headerLength: i32 = 0;

export function frame(length: i32, protocolLevel: i32, maxPacketSize: i32): i32 {
  const inbox = <usize>getWord(H_INBOX);
  const records = <usize>getWord(H_RECORDS);
  fieldsBegin(<usize>getWord(H_FIELDS));
  let level = protocolLevel, at = 0, count = 0, need = 0;
  while (count < MAX_RECORDS && at < length) {
    const remaining = remainingLength(inbox, at, length);
    if (remaining == INCOMPLETE) break;
    const total = remaining < 0 ? 0 : headerLength + remaining;
    const fieldsMark = fieldsUsed;
    recordBegin(records + <usize>(count * RECORD_WORDS * 4));
    const first = <i32>load<u8>(inbox + <usize>at);
    put(R_TYPE, first >> TYPE_SHIFT);
    put(R_FLAGS, first & FLAGS_MASK);
    put(R_START, at);
    put(R_LENGTH, total);
    let code = remaining < 0 ? remaining : 0;
    if (code == 0 && maxPacketSize > 0 && (total > maxPacketSize || total < 0)) code = -PACKET_TOO_LARGE; // Maximum Packet Size (3.1.2.11.4): refused from the fixed header
    if (code == 0 && total > length - at) { need = total; break; }
    if (code == 0) {
      begin(inbox, at + headerLength, at + total);
      decodeBody(first >> TYPE_SHIFT, first & FLAGS_MASK, level);
      code = fail;
      if (code == -FIELDS_FULL) {
        fieldsRewind(fieldsMark);
        if (count > 0) break;
        code = -PACKET_TOO_LARGE; // one packet alone has more fields than FIELDS holds
      }
      if (code == 0 && first >> TYPE_SHIFT == CONNECT) level = connectLevel;
    }
    put(R_ERROR, code);
    count++;
    if (code != 0) break;
    at += total;
  }
  setWord(H_CONSUMED, at);
  setWord(H_NEED_LENGTH, need);
  setWord(H_FIELDS_USED, fieldsUsed);
  setWord(H_PROTOCOL_LEVEL, level);
  return count;
}

/** The inbox holds the first `length` bytes of one packet of `total` bytes (total > length; the host keeps
 *  all of it): frames it as record 0 without reading past `length`. Only a PUBLISH may be cut, and only in its
 *  payload, which is opaque (a Payload Format Indicator of 1 is not checked, v5 3.3.2.3.2): anything else, or
 *  a topic and properties reaching past `length`, is -0x95. Returns the record count, 1. */
export function frameHead(length: i32, total: i32, protocolLevel: i32, maxPacketSize: i32): i32 {
  const inbox = <usize>getWord(H_INBOX);
  fieldsBegin(<usize>getWord(H_FIELDS));
  recordBegin(<usize>getWord(H_RECORDS));
  const remaining = length > 0 ? remainingLength(inbox, 0, length) : INCOMPLETE;
  const first = length > 0 ? <i32>load<u8>(inbox) : 0;
  put(R_TYPE, first >> TYPE_SHIFT);
  put(R_FLAGS, first & FLAGS_MASK);
  put(R_LENGTH, total);
  let code = remaining == INCOMPLETE ? -MALFORMED : remaining < 0 ? remaining : 0;
  if (code == 0 && (headerLength + remaining != total || total <= length)) code = -MALFORMED; // not the packet the host announced
  if (code == 0 && maxPacketSize > 0 && total > maxPacketSize) code = -PACKET_TOO_LARGE; // Maximum Packet Size (3.1.2.11.4)
  if (code == 0 && (first >> TYPE_SHIFT != PUBLISH || publishHeadEnd(inbox, first, protocolLevel, length) > length)) code = -PACKET_TOO_LARGE;
  let level = protocolLevel;
  if (code == 0) {
    begin(inbox, headerLength, length);
    decodeBody(PUBLISH, first & FLAGS_MASK, level);
    code = fail == -FIELDS_FULL ? -PACKET_TOO_LARGE : fail;
    if (code == 0) put(R_PAYLOAD_LENGTH, get(R_PAYLOAD_LENGTH) + total - length);
  }
  put(R_ERROR, code);
  setWord(H_CONSUMED, code == 0 ? total : 0);
  setWord(H_NEED_LENGTH, 0);
  setWord(H_FIELDS_USED, fieldsUsed);
  setWord(H_PROTOCOL_LEVEL, level);
  return 1;
}

/** Where a PUBLISH's topic, packet id and (v5) properties end, read from the lengths alone; `length` + 1 when
 *  a length field itself lies past `length`. Malformed lengths are left to decodePublish. */
function publishHeadEnd(inbox: usize, first: i32, level: i32, length: i32): i32 {
  let at = headerLength;
  if (at + 2 > length) return length + 1;
  at += 2 + ((<i32>load<u8>(inbox + <usize>at) << 8) | <i32>load<u8>(inbox + <usize>at + 1));
  if (((first >> PUBLISH_QOS_SHIFT) & QOS_MASK) != 0) at += 2; // a packet id at QoS > 0
  if (level != 5) return at;
  const value = decodeVarint(inbox + <usize>at, inbox + <usize>length);
  if (value == VARINT_INCOMPLETE) return length + 1;
  return value < 0 ? at : at + varintLength + value;
}

/** The remaining length at `at`, INCOMPLETE when its bytes have not all arrived, -0x81 when malformed. */
function remainingLength(inbox: usize, at: i32, length: i32): i32 {
  const value = decodeVarint(inbox + <usize>(at + 1), inbox + <usize>length);
  if (value == VARINT_INCOMPLETE) return INCOMPLETE;
  headerLength = 1 + varintLength;
  return value < 0 ? -MALFORMED : value; // [MQTT-1.5.5-1]
}
