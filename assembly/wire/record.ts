// The record of the packet being framed: a pointer into RECORDS and word setters (layout.ts R_*).
import { RECORD_WORDS } from "../layout";

export let recordAt: usize = 0;

export function recordBegin(at: usize): void {
  recordAt = at;
  memory.fill(at, 0, <usize>RECORD_WORDS << 2);
}

@inline export function put(word: i32, value: i32): void {
  store<i32>(recordAt + (<usize>word << 2), value);
}

@inline export function get(word: i32): i32 {
  return load<i32>(recordAt + (<usize>word << 2));
}
