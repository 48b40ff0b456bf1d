// A bounds-checked cursor over the inbox for the packet being decoded. Every read checks the packet's
// end and sets `fail` (a negative reason code) instead of trapping; callers test `fail` after a step.
import { MALFORMED } from "./errors";
import { validUtf8 } from "./utf8";
import { decodeVarint, varintLength } from "./varint";

/** Address of the inbox; offsets below are relative to it. */
export let base: usize = 0;
export let pos: i32 = 0;
export let end: i32 = 0;
export let fail: i32 = 0;
/** Offset and length of the last string or binary field read. */
export let fieldOffset: i32 = 0;
export let fieldLength: i32 = 0;

export function begin(inbox: usize, from: i32, to: i32): void {
  base = inbox; pos = from; end = to; fail = 0;
  fieldOffset = from; fieldLength = 0;
}

export function setFail(code: i32): void {
  if (fail == 0) fail = -code;
}

export function setEnd(to: i32): void {
  end = to;
}

export function remaining(): i32 {
  return end - pos;
}

export function readU8(): i32 {
  if (pos >= end) { setFail(MALFORMED); return 0; }
  const v = <i32>load<u8>(base + <usize>pos);
  pos++;
  return v;
}

export function readU16(): i32 {
  if (end - pos < 2) { setFail(MALFORMED); pos = end; return 0; }
  const v = (<i32>load<u8>(base + <usize>pos) << 8) | <i32>load<u8>(base + <usize>pos + 1);
  pos += 2;
  return v;
}

export function readU32(): i32 {
  if (end - pos < 4) { setFail(MALFORMED); pos = end; return 0; }
  const v = bswap<u32>(load<u32>(base + <usize>pos));
  pos += 4;
  return <i32>v;
}

/** A variable byte integer: at most 4 bytes and minimally encoded, else malformed. */
export function readVarint(): i32 {
  const value = decodeVarint(base + <usize>pos, base + <usize>end);
  if (value < 0) { setFail(MALFORMED); pos = end; return 0; } // [MQTT-1.5.5-1], or cut short by the packet's end
  pos += varintLength;
  return value;
}

/** Two-byte length then bytes: sets fieldOffset / fieldLength. */
export function readBinary(): void {
  const n = readU16();
  if (fail != 0) return;
  if (end - pos < n) { setFail(MALFORMED); pos = end; return; }
  fieldOffset = pos;
  fieldLength = n;
  pos += n;
}

/** A UTF-8 Encoded String: a binary field whose bytes must be well-formed UTF-8 without U+0000. */
export function readString(): void {
  readBinary();
  if (fail != 0) return;
  if (!validUtf8(base + <usize>fieldOffset, fieldLength)) setFail(MALFORMED); // [MQTT-1.5.4-1] [MQTT-1.5.4-2]
}
