// UTF-8 validation for MQTT strings: well-formed (no overlongs, no surrogates, <= U+10FFFF) and no U+0000.
// An ASCII fast path covers the common case of topic names.

export function validUtf8(at: usize, length: i32): bool {
  const stop = at + <usize>length;
  let p = at;
  while (p < stop) {
    p = asciiRun(p, stop);
    if (p >= stop) break;
    const b = <u32>load<u8>(p);
    if (b >= 0x01 && b < 0x80) { p++; continue; }
    if (b == 0) return false; // [MQTT-1.5.4-2] v3.1.1 [MQTT-1.5.3-2] no U+0000
    const n = sequenceLength(b);
    if (n == 0 || stop - p < <usize>n) return false;
    if (!validSequence(p, b, n)) return false; // [MQTT-1.5.4-1] v3.1.1 [MQTT-1.5.3-1]
    p += <usize>n;
  }
  return true;
}

function sequenceLength(b: u32): i32 {
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

function validSequence(p: usize, b: u32, n: i32): bool {
  const b1 = <u32>load<u8>(p + 1);
  if ((b1 & 0xc0) != 0x80) return false;
  if (n == 2) return true;
  if (b == 0xe0 && b1 < 0xa0) return false; // overlong
  if (b == 0xed && b1 >= 0xa0) return false; // surrogates U+D800..U+DFFF
  if (b == 0xf0 && b1 < 0x90) return false; // overlong
  if (b == 0xf4 && b1 >= 0x90) return false; // above U+10FFFF
  if ((<u32>load<u8>(p + 2) & 0xc0) != 0x80) return false;
  if (n == 3) return true;
  return (<u32>load<u8>(p + 3) & 0xc0) == 0x80;
}

/** Skips 8-byte words of plain ASCII without U+0000 (bit tricks: any high bit, any zero byte). */
@inline function asciiRun(p: usize, stop: usize): usize {
  while (p + 8 <= stop) {
    const w = load<u64>(p);
    if (((w | ((w - 0x0101010101010101) & ~w)) & 0x8080808080808080) != 0) break;
    p += 8;
  }
  return p;
}
