// Spec tests for 4.7 topic names and topic filters, MQTT 3.1.1 and 5.0: wildcards only in filters and only
// as whole levels ('#' last), '$' topics hidden from leading wildcards, no empty topics, no normalization.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { hex, publish, subscribe, suback, T } from "../helpers/packets.ts";
import type { SpecClient } from "./support/spec-client.ts";
import { expectPublish, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("top");

/** A refused topicFilter: SUBACK 0x80 (v5 0x8F) for it, or the connection closed (v5 with DISCONNECT 0x8F/0x81/0x82). */
async function expectFilterRefused(c: SpecClient, level: 4 | 5, packetId: number) {
  const got = await c.nextPacket();
  if (got && got[0] === T.SUBACK) {
    expect(hex(got)).toBe(hex(suback(level, packetId, [level === 5 ? 0x8f : 0x80])));
    return;
  }
  if (got) expect(level === 5 ? ["e0 8f", "e0 81", "e0 82"] : []).toContain(hex([got[0]!, got[2] ?? 0]));
  await c.expectClose();
}

/** Subscribes to each filter on a connection of its own and expects each refused. */
async function refuses(level: 4 | 5, ...topicFilters: string[]) {
  for (const topicFilter of topicFilters) {
    const c = await broker.connected({ level, clientId: id() });
    c.send(subscribe(level, 1, [[topicFilter, 0]]));
    await expectFilterRefused(c, level, 1);
  }
}
const badHash = ["a/#/b", "a#", "#/", "a/b#"];
const badPlus = ["a+", "a/+b", "+a/b", "a/b+/c"];

for (const level of [4, 5] as const) {
  const v5 = level === 5;
  describe(v5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {

    it("[MQTT-4.7.2-1] filters starting with a wildcard do not match topicNames starting with $", async () => {
      const topic = `$q/${id()}`;
      const hash = await subscriber(broker, { level, clientId: id() }, "#");
      const plus = await subscriber(broker, { level, clientId: id() }, `+/${topic.slice(3)}`);
      const exact = await subscriber(broker, { level, clientId: id() }, topic);
      const will = await broker.connected({ level, clientId: id(), will: { topic, payload: Buffer.from("$") } });
      will.close();
      await expectPublish(exact, level, { topic, payload: "$" });
      await hash.expectSilence(100);
      await plus.expectSilence(100);
    });

    it("[MQTT-4.7.3-1] an empty topicFilter is refused", async () => {
      await refuses(level, "");
    });

    it("[MQTT-4.7.3-4] topics are matched without normalization: case, empty levels, trailing /, Unicode forms differ", async () => {
      const base = `n/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, `${base}/Caf\u00e9`);
      const pub = await broker.connected({ level, clientId: id() });
      for (const topic of [`${base}/caf\u00e9`, `${base}//Caf\u00e9`, `${base}/Caf\u00e9/`, `${base}/Cafe\u0301`]) {
        pub.send(publish(level, { topic, payload: "no" }));
      }
      pub.send(publish(level, { topic: `${base}/Caf\u00e9`, payload: "yes" }));
      await expectPublish(sub, level, { topic: `${base}/Caf\u00e9`, payload: "yes" });
      await sub.expectSilence();
    });
  });
}

describe("MQTT 3.1.1", () => {
  it("v3.1.1 [MQTT-4.7.1-2] a '#' that is not alone in the last level of a filter is refused", () => refuses(4, ...badHash));

  it("v3.1.1 [MQTT-4.7.1-3] a '+' that does not fill its level of a filter is refused", () => refuses(4, ...badPlus));

  it("v3.1.1 [MQTT-4.7.1-1] a PUBLISH topicName with a wildcard closes the connection", async () => {
    const c = await broker.connected({ level: 4, clientId: id() });
    c.send(publish(4, { topic: "a/+/c", payload: "x" }));
    await c.expectClose();
  });

  it("v3.1.1 [MQTT-4.7.3-1] an empty PUBLISH topicName closes the connection", async () => {
    const c = await broker.connected({ level: 4, clientId: id() });
    c.send(publish(4, { topic: "", payload: "x" }));
    await c.expectClose();
  });
});

describe("MQTT 5.0", () => {
  it("v5 [MQTT-4.7.1-1] a '#' that is not alone in the last level of a filter is refused", () => refuses(5, ...badHash));

  it("v5 [MQTT-4.7.1-2] a '+' that does not fill its level of a filter is refused", () => refuses(5, ...badPlus));

  it("v5 [MQTT-4.7.0-1] a PUBLISH topicName with a wildcard closes the connection", async () => {
    const c = await broker.connected({ level: 5, clientId: id() });
    c.send(publish(5, { topic: "a/#", payload: "x" }));
    await c.expectDisconnect(0x90);
  });

  it("v5 [MQTT-4.7.3-1] an empty PUBLISH topicName without a Topic Alias closes the connection", async () => {
    const c = await broker.connected({ level: 5, clientId: id() });
    c.send(publish(5, { topic: "", payload: "x" }));
    await c.expectDisconnect(0x82);
  });
});
