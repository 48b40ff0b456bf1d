// frame(): walks the inbox, reads each fixed header (2.1), refuses oversize packets from the header alone,
// and decodes every whole packet into a record. Stops after an error record or when RECORDS/FIELDS fill.
import {
  H_INBOX, H_RECORDS, H_FIELDS, H_CONSUMED, H_NEED_LENGTH, H_FIELDS_USED, H_PROTOCOL_LEVEL, MAX_RECORDS, RECORD_WORDS,
  R_TYPE, R_FLAGS, R_ERROR, R_START, R_LENGTH,
} from "../layout";
import { getWord, setWord } from "../util/header";
import { MALFORMED, PACKET_TOO_LARGE, FIELDS_FULL } from "./errors";
import { begin, fail } from "./reader";
import { fieldsBegin, fieldsUsed, fieldsRewind } from "./fields";
import { recordBegin, put } from "./record";
import { decodeBody } from "./dispatch";
import { connectLevel } from "./connect";

const INCOMPLETE: i32 = -1;
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
    put(R_TYPE, first >> 4);
    put(R_FLAGS, first & 15);
    put(R_START, at);
    put(R_LENGTH, total);
    let code = remaining < 0 ? remaining : 0;
    if (code == 0 && maxPacketSize > 0 && (total > maxPacketSize || total < 0)) code = -PACKET_TOO_LARGE; // Maximum Packet Size (3.1.2.11.4): refused from the fixed header
    if (code == 0 && total > length - at) { need = total; break; }
    if (code == 0) {
      begin(inbox, at + headerLength, at + total);
      decodeBody(first >> 4, first & 15, level);
      code = fail;
      if (code == -FIELDS_FULL) {
        fieldsRewind(fieldsMark);
        if (count > 0) break;
        code = -PACKET_TOO_LARGE; // one packet alone has more fields than FIELDS holds
      }
      if (code == 0 && first >> 4 == 1) level = connectLevel;
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

/** The remaining length at `at`, INCOMPLETE when its bytes have not all arrived, -0x81 when malformed. */
function remainingLength(inbox: usize, at: i32, length: i32): i32 {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    if (at + 1 + i >= length) return INCOMPLETE;
    const b = <i32>load<u8>(inbox + <usize>(at + 1 + i));
    value |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      headerLength = 2 + i;
      if (b == 0 && i > 0) return -MALFORMED; // [MQTT-1.5.5-1] minimal encoding
      return value;
    }
  }
  headerLength = 5;
  return -MALFORMED; // [MQTT-1.5.5-1] at most four bytes
}
