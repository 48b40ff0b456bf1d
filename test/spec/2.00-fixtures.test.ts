// The annotated packet fixtures of test/fixtures/packets.ts, sent over a real socket (STYLE 14): every
// client-to-server CONNECT is accepted, every other client-to-server packet is read as well formed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "../fixtures/packets.ts";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { hex, P, props, publish, T } from "../helpers/packets.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("fix");

const sent = fixtures.filter((f) => f.direction !== "out");
/** Fixtures a client may not send to this broker as they are, with the reason code that refuses them. */
const refused: Record<string, number> = {
  "v5 CONNECT with properties and will properties": 0x8c, // authentication method SCRAM, and no authenticate hook
  "v5 PUBLISH QoS 1 with every PUBLISH property": 0x82, // Subscription Identifiers only go server to client
};
const reply = (name: string) => Buffer.from(fixtures.find((f) => f.name === name)!.bytes);

describe("client-to-server fixtures", () => {
  for (const fixture of sent.filter((f) => f.bytes[0] === T.CONNECT)) {
    const code = refused[fixture.name] ?? 0;
    it(`${fixture.name}: CONNACK ${hex([code])}`, async () => {
      const c = await broker.open();
      c.send(Buffer.from(fixture.bytes));
      const ack = await c.expectType(T.CONNACK);
      expect(hex(ack.subarray(3, 4))).toBe(hex([code]));
    });
  }

  for (const fixture of sent.filter((f) => f.bytes[0] !== T.CONNECT && (f.bytes[0]! & 0xf0) !== T.AUTH)) {
    const level = fixture.level === 5 ? 5 : 4;
    const disconnects = (fixture.bytes[0]! & 0xf0) === T.DISCONNECT;
    const code = refused[fixture.name];
    const outcome = code ? `DISCONNECT ${hex([code])}` : disconnects ? "the close, nothing sent" : "no DISCONNECT, no close";
    it(`${fixture.name}: ${outcome}`, async () => {
      const c = await broker.connected({ level, clientId: id() });
      if (fixture.name.includes("topic alias")) c.send(publish(5, { topic: "fix/alias", properties: props(P.topicAlias(4)) }));
      c.send(Buffer.from(fixture.bytes));
      if (code) return c.expectDisconnect(code);
      if (disconnects) return c.expectClose();
      const got = await c.collect(300);
      expect(got.map((p) => hex([p[0]! & 0xf0]))).not.toContain(hex([T.DISCONNECT]));
      expect(c.isClosed).toBe(false);
      if (fixture.bytes[0] === T.PINGREQ) expect(got.map(hex)).toEqual([hex(reply(`${fixture.name.split(" ")[0]} PINGRESP`))]);
    });
  }
});
