// The broker benchmark harness end to end: one short pairs run against the ceiling forwarder and Aedes
// passes, and the verifier fails a run when the forwarder drops, duplicates, corrupts or misroutes.
import { describe, expect, it } from "vitest";
import { brokerKinds, faultyCeiling } from "../../bench/broker/brokers.ts";
import { runOne } from "../../bench/broker/run-one.ts";
import { scenarios } from "../../bench/broker/scenarios.ts";

const pairs = scenarios.find((s) => s.name === "pairs-w16")!;

describe("bench harness", () => {
  it("runs pairs against the ceiling forwarder and checks every message", async () => {
    const r = await runOne(brokerKinds.ceiling, pairs, 1);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.figures.delivered).toBe(r.figures.published);
    expect(r.figures.delivered).toBeGreaterThan(1000);
    expect(r.figures.msgsPerCpuS).toBeGreaterThan(0);
  });

  it("runs pairs against Aedes", async () => {
    const r = await runOne(brokerKinds.aedes, pairs, 1);
    expect(r.error).toBeUndefined();
    expect(r.figures.delivered).toBe(r.figures.published);
    expect(r.figures.rssMB).toBeGreaterThan(1);
  });

  it.concurrent.each([
    ["--drop-every", /^loss: /],
    ["--dup-every", /^duplicate: /],
    ["--corrupt-every", /^corrupt: /],
    ["--misroute-every", /^misrouted: /],
  ])("fails the run when the forwarder is started with %s 100", async (flag, message) => {
    const r = await runOne(faultyCeiling([flag, "100"]), pairs, 0.5);
    expect(r.ok).toBe(false);
    expect(r.figures).toEqual({});
    expect(r.error).toMatch(message);
  });
});
