// Where the HEADER block lives: right after AssemblyScript's static data, 64-byte aligned.
import { HEADER_WORDS } from "../layout";

export function header(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

export function headerEnd(): usize {
  return header() + (<usize>HEADER_WORDS << 2);
}

@inline export function getWord(index: i32): i32 {
  return load<i32>(header() + (<usize>index << 2));
}

@inline export function setWord(index: i32, value: i32): void {
  store<i32>(header() + (<usize>index << 2), value);
}
