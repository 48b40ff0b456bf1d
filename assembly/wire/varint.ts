// The one Variable Byte Integer decoder (1.5.5): the remaining length, property lengths and values,
// and the head of a cut PUBLISH all read through it.
import { VARINT_MORE, VARINT_VALUE } from "./packet-type";

/** More bytes are needed: the integer runs up to `limit`. */
export const VARINT_INCOMPLETE: i32 = -1;
/** More than four bytes, or not in the fewest bytes [MQTT-1.5.5-1]. */
export const VARINT_MALFORMED: i32 = -2;

/** Bytes the last decodeVarint read (also when it was malformed). */
export let varintLength: i32 = 0;

/** The integer at `at`, reading no byte at or past `limit`; else VARINT_INCOMPLETE or VARINT_MALFORMED. */
@inline export function decodeVarint(at: usize, limit: usize): i32 {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    if (at + <usize>i >= limit) return VARINT_INCOMPLETE;
    const b = <i32>load<u8>(at + <usize>i);
    value |= (b & VARINT_VALUE) << (7 * i);
    if ((b & VARINT_MORE) == 0) {
      varintLength = i + 1;
      if (b == 0 && i > 0) return VARINT_MALFORMED; // [MQTT-1.5.5-1] the minimum number of bytes
      return value;
    }
  }
  varintLength = 4;
  return VARINT_MALFORMED; // [MQTT-1.5.5-1] at most four bytes
}
