// A topic with more subscribers than the core's fixed match output holds (MATCH_OUT_WORDS / MATCH_WORDS
// entries): a client's PUBLISH reaches every one of them, none dropped.
import { afterEach, describe, expect, it } from "vitest";
import { MATCH_OUT_WORDS, MATCH_WORDS } from "../../host/core/layout.ts";
import { Harness } from "../helpers/broker.ts";

const h = new Harness();
afterEach(() => h.close());

describe("fan-out beyond one match output buffer", () => {
  it("a PUBLISH from an mqtt.js client reaches all of 270,000 in-process subscribers once", async () => {
    const n = MATCH_OUT_WORDS / MATCH_WORDS + 7856; // 270,000
    await h.start();
    const got = new Uint8Array(n);
    let delivered = 0;
    for (let i = 0; i < n; i++) {
      h.broker.subscribe(i % 3 === 0 ? "wide/+" : "wide/fan", () => { got[i]!++; delivered++; });
    }
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("wide/fan", "to all", { qos: 1 }); // PUBACK comes after routing
    expect(delivered).toBe(n);
    expect(got.every((c) => c === 1)).toBe(true);
  }, 20_000);
});
