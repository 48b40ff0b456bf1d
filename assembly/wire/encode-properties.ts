// Sizes and writes the property section an encoder takes from PROPS_IN ([id, a, b, c, d] entries whose
// strings and binaries sit in SCRATCH_IN), in the order the host wrote them.
import { H_PROPS_IN, PROP_WORDS, PROPS_IN_WORDS } from "../layout";
import { getWord } from "../util/header";
import { propertyType, T_BYTE, T_U16, T_U32, T_VARINT, T_STRING, T_BINARY } from "./property-table";
import { varintSize, writeU8, writeU16, writeU32, writeVarint, writeString } from "./writer";

@inline function entry(i: i32, w: i32): i32 {
  return load<i32>(<usize>getWord(H_PROPS_IN) + (<usize>(i * PROP_WORDS + w) << 2));
}

/** Bytes of the properties themselves (without the length prefix), -1 when an entry is unknown. */
export function propertiesSize(count: i32): i32 {
  if (count < 0 || count * PROP_WORDS > PROPS_IN_WORDS) return -1;
  let size = 0;
  for (let i = 0; i < count; i++) {
    const type = propertyType(entry(i, 0));
    if (type == 0) return -1;
    size += 1 + valueSize(type, i);
  }
  return size;
}

function valueSize(type: i32, i: i32): i32 {
  if (type == T_BYTE) return 1;
  if (type == T_U16) return 2;
  if (type == T_U32) return 4;
  if (type == T_VARINT) return varintSize(entry(i, 1));
  if (type == T_STRING || type == T_BINARY) return 2 + entry(i, 2);
  return 4 + entry(i, 2) + entry(i, 4);
}

/** Length prefix plus properties; `size` is propertiesSize(count). */
export function writeProperties(count: i32, size: i32): void {
  writeVarint(size);
  for (let i = 0; i < count; i++) {
    const id = entry(i, 0);
    const type = propertyType(id);
    writeU8(id);
    const a = entry(i, 1);
    if (type == T_BYTE) writeU8(a);
    else if (type == T_U16) writeU16(a);
    else if (type == T_U32) writeU32(a);
    else if (type == T_VARINT) writeVarint(a);
    else if (type == T_STRING || type == T_BINARY) writeString(a, entry(i, 2));
    else { writeString(a, entry(i, 2)); writeString(entry(i, 3), entry(i, 4)); }
  }
}

