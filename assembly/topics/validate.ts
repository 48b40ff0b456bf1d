// Topic Name and Topic Filter rules of MQTT 4.7 and the shared-subscription form of 4.8.2,
// over bytes in linear memory. Returns 0 or a negative reason code; never throws.

import { H_SCRATCH_IN } from "../layout";
import { getWord } from "../util/header";
export const TOPIC_NAME_INVALID: i32 = -0x90;
export const TOPIC_FILTER_INVALID: i32 = -0x8f;
const SLASH: u8 = 0x2f;
const PLUS: u8 = 0x2b;
const HASH: u8 = 0x23;

/** 0 when the `length` bytes at `ptr` are a valid Topic Name. */
export function checkName(ptr: usize, length: i32): i32 {
  if (length < 1 || length > 65535) return TOPIC_NAME_INVALID; // [MQTT-4.7.3-1] [MQTT-4.7.3-3]
  for (let i = 0; i < length; i++) {
    const c = load<u8>(ptr + <usize>i);
    if (c == PLUS || c == HASH) return TOPIC_NAME_INVALID; // v5 [MQTT-4.7.0-1] v3.1.1 [MQTT-4.7.1-1]
    if (c == 0) return TOPIC_NAME_INVALID; // [MQTT-4.7.3-2]
  }
  return 0;
}

/** 0 when the bytes are a valid Topic Filter without the `$share/` form. */
export function checkPlainFilter(ptr: usize, length: i32): i32 {
  if (length < 1 || length > 65535) return TOPIC_FILTER_INVALID; // [MQTT-4.7.3-1] [MQTT-4.7.3-3]
  for (let i = 0; i < length; i++) {
    const c = load<u8>(ptr + <usize>i);
    if (c == 0) return TOPIC_FILTER_INVALID; // [MQTT-4.7.3-2]
    const alone = (i == 0 || load<u8>(ptr + <usize>(i - 1)) == SLASH) &&
      (i == length - 1 || load<u8>(ptr + <usize>(i + 1)) == SLASH);
    if (c == HASH && (!alone || i != length - 1)) return TOPIC_FILTER_INVALID; // v5 [MQTT-4.7.1-1] v3.1.1 [MQTT-4.7.1-2]
    if (c == PLUS && !alone) return TOPIC_FILTER_INVALID; // v5 [MQTT-4.7.1-2] v3.1.1 [MQTT-4.7.1-3]
  }
  return 0;
}

/** Length of the group name when the filter starts with `$share/`, else -1. */
export function shareNameLength(ptr: usize, length: i32): i32 {
  if (length < 7) return -1;
  if (load<u32>(ptr) != 0x61687324 || load<u16>(ptr + 4) != 0x6572 || load<u8>(ptr + 6) != SLASH) return -1; // "$share/"
  let i = 7;
  while (i < length && load<u8>(ptr + <usize>i) != SLASH) i++;
  return i - 7;
}

/** 0 when the bytes are a valid Topic Filter, shared or not. */
export function checkFilter(ptr: usize, length: i32): i32 {
  const group = shareNameLength(ptr, length);
  if (group < 0) return checkPlainFilter(ptr, length);
  if (group == 0) return TOPIC_FILTER_INVALID; // v5 [MQTT-4.8.2-1]
  for (let i = 7; i < 7 + group; i++) {
    const c = load<u8>(ptr + <usize>i);
    if (c == PLUS || c == HASH) return TOPIC_FILTER_INVALID; // v5 [MQTT-4.8.2-2]
  }
  const rest = 7 + group + 1;
  if (rest > length) return TOPIC_FILTER_INVALID; // v5 [MQTT-4.8.2-2] the ShareName must be followed by "/" and a filter
  return checkPlainFilter(ptr + <usize>rest, length - rest);
}

/** checkName over SCRATCH_IN[offset, +length). */
export function checkTopicName(offset: i32, length: i32): i32 {
  return checkName(<usize>(getWord(H_SCRATCH_IN) + offset), length);
}

/** checkFilter over SCRATCH_IN[offset, +length). */
export function checkTopicFilter(offset: i32, length: i32): i32 {
  return checkFilter(<usize>(getWord(H_SCRATCH_IN) + offset), length);
}
