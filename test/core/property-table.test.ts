import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import * as hostIds from "../../host/core/property-ids.ts";

// The core's property table (assembly/wire/property-table.ts) is the one declaration of each MQTT 5
// property's id and type; the host's PROPERTY_IDS names the same ids and must agree with it.
const source = readFileSync(new URL("../../assembly/wire/property-table.ts", import.meta.url), "utf8");
const named = new Map([...source.matchAll(/export const (\w+): i32 = (0x[0-9a-f]+|\d+);/g)].map(([, k, v]) => [k!, Number(v)]));
const rows = [...source.matchAll(/case (\w+): return row\((T_\w+),/g)].map(([, id, type]) => ({
  id: id!.startsWith("0x") ? Number(id) : named.get(id!)!,
  type: named.get(type!)!,
}));

describe("property table", () => {
  it("2.2.2.2: the core declares the 27 MQTT 5 property identifiers once each", () => {
    expect(rows.length).toBe(27);
    expect(new Set(rows.map((r) => r.id)).size).toBe(27);
  });

  it("host/core/property-ids.ts has the same ids with the same data types", () => {
    const host = new Map(hostIds.PROPERTY_IDS.map(([, id, type]) => [id, type]));
    expect(host.size).toBe(rows.length);
    for (const { id, type } of rows) expect(host.get(id), `property 0x${id.toString(16)}`).toBe(type);
  });

  it("the host's type constants have the core's values", () => {
    for (const name of ["T_BYTE", "T_U16", "T_U32", "T_VARINT", "T_STRING", "T_BINARY", "T_PAIR"]) {
      expect((hostIds as unknown as Record<string, number>)[name], name).toBe(named.get(name));
    }
  });
});
