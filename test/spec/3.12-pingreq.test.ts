// Spec tests for 3.12 PINGREQ and the Keep Alive it serves (3.1.2.10), MQTT 3.1.1 and 5.0: every PINGREQ gets
// a PINGRESP, and a silent client is closed within a band measured from its last packet (1.2 x open, 1.5 x closed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProperties, startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import type { SpecClient } from "./support/spec-client.ts";
import { keepAliveBand, sleepUntil } from "../helpers/keep-alive.ts";
import { connect, pingreq, pingresp, T } from "../helpers/packets.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("png");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const level of [4, 5] as const) {
  describe(level === 5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {
    it("[MQTT-3.12.4-1] the server answers a PINGREQ with a PINGRESP", async () => {
      const c = await broker.connected({ level, clientId: id() });
      c.send(pingreq());
      await c.expect(pingresp());
      c.send(pingreq(), pingreq());
      await c.expect(pingresp(), pingresp());
    });
  });
}

/** keepAlive 2 s: a 2 x timer (closing at 4 s) falls outside the band, 1.5 x (3 s) inside it. */
const KEEP_ALIVE = 2;

/** Waits through the band from `lastPacketAt`: open (and silent) at 1.2 x, then the close `closing` expects by 1.5 x + ticks. */
async function expectCloseInBand(c: SpecClient, lastPacketAt: number, closing: (ms: number) => Promise<void>): Promise<void> {
  const band = keepAliveBand(lastPacketAt, KEEP_ALIVE);
  await sleepUntil(band.openUntil);
  expect(c.isClosed, "still open at 1.2 x Keep Alive after the last packet").toBe(false);
  await closing(band.closedBy - Date.now());
  expect(Date.now(), "closed by 1.5 x Keep Alive plus two wheel ticks").toBeLessThanOrEqual(band.closedBy);
}

/** PINGREQ every 1 s for 3 s (past 1.5 x), then silence: returns when the last PINGREQ went out. */
async function pingThenFallSilent(c: SpecClient): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await sleep(1000);
    c.send(pingreq());
    await c.expect(pingresp());
  }
  return Date.now();
}

describe("MQTT 3.1.1", () => {
  it("v3.1.1 [MQTT-3.1.2-24] keepAlive 2: a silent client is closed between 1.2 x and 1.5 x after its CONNECT", async () => {
    const c = await broker.open();
    c.send(connect({ level: 4, clientId: id(), keepAlive: KEEP_ALIVE }));
    const sent = Date.now();
    await c.expectType(T.CONNACK);
    await expectCloseInBand(c, sent, (ms) => c.expectClose(ms));
  });

  it("v3.1.1 [MQTT-3.1.2-24] keepAlive 2: PINGREQs keep it open; the band then runs from the last PINGREQ", async () => {
    const c = await broker.connected({ level: 4, clientId: id(), keepAlive: KEEP_ALIVE });
    const last = await pingThenFallSilent(c);
    await expectCloseInBand(c, last, (ms) => c.expectClose(ms));
  });
});

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.1.2-22] v5 [MQTT-3.2.2-22] keepAlive 2, no Server Keep Alive: DISCONNECT 0x8D between 1.2 x and 1.5 x after the CONNECT", async () => {
    const c = await broker.open();
    c.send(connect({ level: 5, clientId: id(), keepAlive: KEEP_ALIVE }));
    const sent = Date.now();
    const ack = await c.expectType(T.CONNACK);
    expect(readProperties(ack, 4).map(([pid]) => pid), "no Server Keep Alive (0x13)").not.toContain(0x13);
    await expectCloseInBand(c, sent, (ms) => c.expectDisconnect(0x8d, ms));
  });

  it("v5 [MQTT-3.1.2-22] keepAlive 2: PINGREQs keep it open; the band then runs from the last PINGREQ", async () => {
    const c = await broker.connected({ level: 5, clientId: id(), keepAlive: KEEP_ALIVE });
    const last = await pingThenFallSilent(c);
    await expectCloseInBand(c, last, (ms) => c.expectDisconnect(0x8d, ms));
  });
});
