// The FIELDS region as an append-only word array for one frame() call: properties, CONNECT blocks and
// SUBSCRIBE items. A reservation that does not fit sets FIELDS_FULL so frame() can stop and resume.
import { FIELDS_WORDS } from "../layout";
import { FIELDS_FULL } from "./errors";
import { setFail } from "./reader";

export let fieldsAt: usize = 0;
export let fieldsUsed: i32 = 0;

export function fieldsBegin(at: usize): void {
  fieldsAt = at; fieldsUsed = 0;
}

export function fieldsRewind(to: i32): void {
  fieldsUsed = to;
}

/** Reserves n words and returns the index of the first, or -1 (and FIELDS_FULL) when they don't fit. */
export function reserve(n: i32): i32 {
  if (fieldsUsed + n > FIELDS_WORDS) { setFail(FIELDS_FULL); return -1; }
  const first = fieldsUsed;
  fieldsUsed += n;
  return first;
}

@inline export function putField(index: i32, value: i32): void {
  store<i32>(fieldsAt + (<usize>index << 2), value);
}
