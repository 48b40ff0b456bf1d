// The import graph of host/, checked by dependency-cruiser: no cycle (type-only imports count: each one is a seam
// a later change would have to cut), and the core's record layout (host/core/layout.ts) read only inside host/core/.
import { cruise, type IForbiddenRuleType } from "dependency-cruiser";
import { describe, expect, it } from "vitest";

const rules: IForbiddenRuleType[] = [
  { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
  { name: "layout-only-in-core", severity: "error", from: { pathNot: "^host/core/" }, to: { path: "^host/core/layout\\.ts$" } },
];

async function violations(): Promise<{ modules: number; found: string[] }> {
  const result = await cruise(["host"], {
    tsPreCompilationDeps: true, // `import type` edges are part of the graph
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    validate: true,
    ruleSet: { forbidden: rules },
  }, undefined, { tsConfig: { fileName: "tsconfig.json" } });
  if (typeof result.output === "string") throw new Error("dependency-cruiser returned text, not a cruise result");
  const found = result.output.summary.violations.map((v) =>
    `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(" -> ")})` : ""}`);
  return { modules: result.output.modules.length, found };
}

describe("host/ import graph", () => {
  it("has no cycle, type imports included, and no import of core/layout.ts from outside host/core/", async () => {
    const { modules, found } = await violations();
    expect(modules).toBeGreaterThan(50); // the cruise saw host/, not an empty graph
    expect(found).toEqual([]);
  }, 60_000);
});
