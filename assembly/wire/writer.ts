// Writes into ENCODE_OUT without checks: encoders size the packet first, so every write fits.
import { VARINT_MORE, VARINT_VALUE } from "./packet-type";
import { H_ENCODE_OUT, H_SCRATCH_IN } from "../layout";
import { getWord } from "../util/header";

export let out: usize = 0;

export function writeBegin(): void {
  out = <usize>getWord(H_ENCODE_OUT);
}

export function written(): i32 {
  return <i32>(out - <usize>getWord(H_ENCODE_OUT));
}

export function scratch(offset: i32): usize {
  return <usize>getWord(H_SCRATCH_IN) + <usize>offset;
}

export function varintSize(value: i32): i32 {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4;
}

@inline export function writeU8(value: i32): void {
  store<u8>(out++, <u8>value);
}

export function writeU16(value: i32): void {
  store<u8>(out, <u8>(value >> 8));
  store<u8>(out + 1, <u8>value);
  out += 2;
}

export function writeU32(value: i32): void {
  store<u32>(out, bswap<u32>(<u32>value));
  out += 4;
}

export function writeVarint(value: i32): void {
  let v = <u32>value;
  do {
    let b = v & VARINT_VALUE;
    v >>= 7;
    if (v != 0) b |= VARINT_MORE;
    store<u8>(out++, <u8>b);
  } while (v != 0);
}

/** Bytes from SCRATCH_IN. */
export function writeBytes(scratchOffset: i32, length: i32): void {
  memory.copy(out, scratch(scratchOffset), <usize>length);
  out += <usize>length;
}

/** A two-byte length then bytes from SCRATCH_IN. */
export function writeString(scratchOffset: i32, length: i32): void {
  writeU16(length);
  writeBytes(scratchOffset, length);
}

/** First byte and remaining length. */
export function writeFixedHeader(first: i32, remaining: i32): void {
  writeU8(first);
  writeVarint(remaining);
}
