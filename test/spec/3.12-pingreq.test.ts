// Spec tests for 3.12 PINGREQ and the Keep Alive it serves (3.1.2.10), MQTT 3.1.1 and 5.0: every PINGREQ gets
// a PINGRESP, and a silent client is closed after one and a half Keep Alive periods (keepAlive 1 s here).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProperties, startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
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

describe("MQTT 3.1.1", () => {
  it("v3.1.1 [MQTT-3.1.2-24] keepAlive 1: a client silent for 1.5 s is disconnected", async () => {
    const c = await broker.connected({ level: 4, clientId: id(), keepAlive: 1 });
    await c.expectClose(3000);
  });

  it("v3.1.1 [MQTT-3.1.2-24] keepAlive 1: a PINGREQ every 0.5 s keeps the connection open past 1.5 s", async () => {
    const c = await broker.connected({ level: 4, clientId: id(), keepAlive: 1 });
    for (let i = 0; i < 5; i++) {
      await sleep(500);
      c.send(pingreq());
      await c.expect(pingresp());
    }
    expect(c.isClosed).toBe(false);
  });
});

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.1.2-22] v5 [MQTT-3.2.2-22] keepAlive 1 and no Server Keep Alive: a client silent for 1.5 s is disconnected", async () => {
    const c = await broker.open();
    c.send(connect({ level: 5, clientId: id(), keepAlive: 1 }));
    const ack = await c.expectType(T.CONNACK);
    expect(readProperties(ack, 4).map(([pid]) => pid), "no Server Keep Alive (0x13)").not.toContain(0x13);
    await c.expectDisconnect(0x8d, 3000);
  });

  it("v5 [MQTT-3.1.2-22] keepAlive 1: a PINGREQ every 0.5 s keeps the connection open past 1.5 s", async () => {
    const c = await broker.connected({ level: 5, clientId: id(), keepAlive: 1 });
    for (let i = 0; i < 5; i++) {
      await sleep(500);
      c.send(pingreq());
      await c.expect(pingresp());
    }
    expect(c.isClosed).toBe(false);
  });
});
