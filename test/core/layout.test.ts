import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import * as hostLayout from "../../host/core/layout.ts";
import { Core } from "../../host/core/core.ts";

// Both sides must agree on every number of the memory map: parse assembly/layout.ts and compare.
describe("layout", () => {
  it("host/core/layout.ts mirrors every constant of assembly/layout.ts", () => {
    const source = readFileSync(new URL("../../assembly/layout.ts", import.meta.url), "utf8");
    const constants = [...source.matchAll(/export const (\w+): i32 = ([^;]+);/g)];
    expect(constants.length).toBeGreaterThan(40);
    for (const [, name, expr] of constants) {
      const value = Function(`return (${expr})`)() as number;
      expect((hostLayout as Record<string, number>)[name!], name).toBe(value);
    }
  });

  it("init lays the regions out in order after the header, and the inbox in the heap", () => {
    const core = new Core();
    const h = (i: number) => core.header(i);
    const order = [hostLayout.H_RECORDS, hostLayout.H_FIELDS, hostLayout.H_MATCH_OUT, hostLayout.H_PROPS_IN,
      hostLayout.H_SCRATCH_IN, hostLayout.H_ENCODE_OUT, hostLayout.H_HEAP_BASE].map(h);
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThan(order[i - 1]!);
    expect(h(hostLayout.H_RECORDS)).toBe(core.headerAt + hostLayout.HEADER_WORDS * 4);
    expect(h(hostLayout.H_INBOX)).toBeGreaterThanOrEqual(h(hostLayout.H_HEAP_BASE));
  });

  it("inboxReserve grows memory for a 64 MB packet and the views follow", () => {
    const core = new Core();
    const at = core.inbox(64 << 20);
    expect(core.bytes.byteLength).toBeGreaterThanOrEqual(at + (64 << 20));
    core.bytes[at + (64 << 20) - 1] = 7;
    expect(core.bytes[at + (64 << 20) - 1]).toBe(7);
  });
});
