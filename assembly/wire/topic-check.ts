// Topic Name and Topic Filter rules checked on the bytes in place (section 4.7): wildcards, levels,
// empty names, U+0000, and the $share/{ShareName}/{filter} form. The one implementation: the codec
// calls it on packets, the topic index (topics/validate.ts) on what the host passes in.

import { TOPIC_NAME_INVALID, TOPIC_FILTER_INVALID } from "./errors";

/** 0 when the bytes are a valid Topic Name, else -TOPIC_NAME_INVALID. */
export function checkTopicName(at: usize, length: i32): i32 {
  if (length < 1 || length > 65535) return -TOPIC_NAME_INVALID; // [MQTT-4.7.3-1] at least one character [MQTT-4.7.3-3]
  let i = 0;
  for (; i + 8 <= length; i += 8) if (hasWildcardOrZero(load<u64>(at + <usize>i))) break;
  for (; i < length; i++) {
    const c = load<u8>(at + <usize>i);
    if (c == 0x23 || c == 0x2b) return -TOPIC_NAME_INVALID; // v5 [MQTT-4.7.0-1] v3.1.1 [MQTT-4.7.1-1] no wildcards in a Topic Name
    if (c == 0) return -TOPIC_NAME_INVALID; // [MQTT-4.7.3-2]
  }
  return 0;
}

/** 0 when the bytes are a valid Topic Filter (shared ones included), else -TOPIC_FILTER_INVALID. */
export function checkTopicFilter(at: usize, length: i32): i32 {
  if (length < 1 || length > 65535) return -TOPIC_FILTER_INVALID; // [MQTT-4.7.3-1] at least one character [MQTT-4.7.3-3]
  const prefix = sharePrefix(at, length);
  if (prefix < 0) return -TOPIC_FILTER_INVALID;
  return checkLevels(at + <usize>prefix, length - prefix);
}

/** Length of a `$share/{ShareName}/` prefix, 0 when there is none, -1 when it is malformed. */
export function sharePrefix(at: usize, length: i32): i32 {
  if (length < 7 || load<u32>(at) != 0x61687324 || load<u16>(at + 4) != 0x6572 || load<u8>(at + 6) != 0x2f) return 0; // "$share/"
  for (let i = 7; i < length; i++) {
    const c = load<u8>(at + <usize>i);
    if (c == 0x2f) return i > 7 && i + 1 < length ? i + 1 : -1; // v5 [MQTT-4.8.2-1] ShareName non-empty, [MQTT-4.8.2-2] a filter follows
    if (c == 0x23 || c == 0x2b) return -1; // v5 [MQTT-4.8.2-2] the ShareName must not contain wildcards
  }
  return -1;
}

function checkLevels(at: usize, length: i32): i32 {
  if (length == 0) return -TOPIC_FILTER_INVALID;
  for (let i = 0; i < length; i++) {
    const c = load<u8>(at + <usize>i);
    if (c == 0) return -TOPIC_FILTER_INVALID; // [MQTT-4.7.3-2]
    if (c != 0x2b && c != 0x23) continue;
    const alone = (i == 0 || load<u8>(at + <usize>i - 1) == 0x2f) && (i + 1 == length || load<u8>(at + <usize>i + 1) == 0x2f);
    if (c == 0x2b && !alone) return -TOPIC_FILTER_INVALID; // v5 [MQTT-4.7.1-2] v3.1.1 [MQTT-4.7.1-3] '+' fills a whole level
    if (c == 0x23 && (!alone || i + 1 != length)) return -TOPIC_FILTER_INVALID; // v5 [MQTT-4.7.1-1] v3.1.1 [MQTT-4.7.1-2] '#' last, alone
  }
  return 0;
}

/** Whether any byte of w is '#', '+' or zero (zero-byte test on w, and on w xor each repeated byte). */
@inline function hasWildcardOrZero(w: u64): bool {
  const a = w ^ 0x2323232323232323, b = w ^ 0x2b2b2b2b2b2b2b2b;
  return ((((a - 0x0101010101010101) & ~a) | ((b - 0x0101010101010101) & ~b) | ((w - 0x0101010101010101) & ~w)) & 0x8080808080808080) != 0;
}
