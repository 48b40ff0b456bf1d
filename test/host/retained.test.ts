// Retained messages: stored, replaced, deleted by an empty payload, delivered on subscribe with the
// retain flag, v5 retain handling and retain-as-published, expiry.
import { afterEach, describe, expect, it } from "vitest";
import { Harness, collect, delay, messages, nextMessage } from "../helpers/broker.ts";

const h = new Harness();
afterEach(() => h.close());

describe.each([4, 5] as const)("protocol %i", (protocolVersion) => {
  it(`${protocolVersion === 5 ? "v5 [MQTT-3.3.1-5]" : "v3.1.1 [MQTT-3.3.1-5]"} a retained message is stored and sent to later subscribers with RETAIN 1`, async () => {
    await h.start();
    const pub = await h.connect({ protocolVersion });
    await pub.publishAsync("r/a", "kept", { qos: 1, retain: true });
    const sub = await h.connect({ protocolVersion });
    const got = nextMessage(sub);
    await sub.subscribeAsync("r/+", { qos: 1 });
    const message = await got;
    expect(message.payload.toString()).toBe("kept");
    expect(message.packet.retain).toBe(true);
    expect(message.packet.qos).toBe(1);
  });

  it("a new retained message replaces the old one", async () => {
    await h.start();
    const pub = await h.connect({ protocolVersion });
    await pub.publishAsync("r/a", "old", { qos: 1, retain: true });
    await pub.publishAsync("r/a", "new", { qos: 1, retain: true });
    const sub = await h.connect({ protocolVersion });
    const got = collect(sub, 400);
    await sub.subscribeAsync("r/#");
    expect((await got).map((m) => m.payload.toString())).toEqual(["new"]);
  });

  it(`${protocolVersion === 5 ? "v5 [MQTT-3.3.1-6]" : "v3.1.1 [MQTT-3.3.1-10]"} an empty retained payload deletes the retained message`, async () => {
    await h.start();
    const pub = await h.connect({ protocolVersion });
    await pub.publishAsync("r/a", "soon gone", { qos: 1, retain: true });
    await pub.publishAsync("r/a", "", { qos: 1, retain: true });
    const sub = await h.connect({ protocolVersion });
    const got = collect(sub, 400);
    await sub.subscribeAsync("r/#");
    expect(await got).toEqual([]);
  });

  it(`${protocolVersion === 5 ? "v5 [MQTT-3.3.1-12]" : "v3.1.1 [MQTT-3.3.1-9]"} a live message to an established subscription has RETAIN 0`, async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion });
    await sub.subscribeAsync("live");
    const pub = await h.connect({ protocolVersion });
    const got = nextMessage(sub);
    await pub.publishAsync("live", "now", { retain: true });
    expect((await got).packet.retain).toBe(false);
  });

  it("retained messages of many topics all match a wildcard subscription", async () => {
    await h.start();
    const pub = await h.connect({ protocolVersion });
    for (let i = 0; i < 20; i++) await pub.publishAsync(`many/${i}`, String(i), { retain: true, qos: 1 });
    const sub = await h.connect({ protocolVersion });
    const got = messages(sub, 20);
    await sub.subscribeAsync("many/#");
    expect((await got).map((m) => Number(m.payload.toString())).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });
});

describe("v5 retain options", () => {
  it("v5 [MQTT-3.3.1-13] retain-as-published keeps RETAIN 1 on live messages", async () => {
    await h.start();
    const sub = await h.connect({ protocolVersion: 5 });
    await sub.subscribeAsync("rap", { qos: 0, rap: true });
    const pub = await h.connect({ protocolVersion: 5 });
    const got = nextMessage(sub);
    await pub.publishAsync("rap", "flag", { retain: true });
    expect((await got).packet.retain).toBe(true);
  });

  it("v5 [MQTT-3.3.1-10] retain handling 1 sends retained messages only for a new subscription", async () => {
    await h.start();
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("rh/1", "x", { retain: true, qos: 1 });
    const sub = await h.connect({ protocolVersion: 5 });
    const first = collect(sub, 300);
    await sub.subscribeAsync("rh/1", { qos: 0, rh: 1 });
    expect((await first).length).toBe(1);
    const second = collect(sub, 300);
    await sub.subscribeAsync("rh/1", { qos: 0, rh: 1 });
    expect((await second).length).toBe(0);
  });

  it("v5 [MQTT-3.3.1-11] retain handling 2 sends no retained messages", async () => {
    await h.start();
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("rh/2", "x", { retain: true, qos: 1 });
    const sub = await h.connect({ protocolVersion: 5 });
    const got = collect(sub, 300);
    await sub.subscribeAsync("rh/2", { qos: 0, rh: 2 });
    expect(await got).toEqual([]);
  });

  it("v5 [MQTT-3.3.2-5] an expired retained message is not delivered", async () => {
    await h.start();
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("exp", "brief", { retain: true, qos: 1, properties: { messageExpiryInterval: 1 } });
    await delay(1200);
    const sub = await h.connect({ protocolVersion: 5 });
    const got = collect(sub, 300);
    await sub.subscribeAsync("exp");
    expect(await got).toEqual([]);
  });

  it("v5 [MQTT-3.3.2-6] a retained message is sent with its remaining expiry interval", async () => {
    await h.start();
    const pub = await h.connect({ protocolVersion: 5 });
    await pub.publishAsync("exp2", "later", { retain: true, qos: 1, properties: { messageExpiryInterval: 10 } });
    await delay(1100);
    const sub = await h.connect({ protocolVersion: 5 });
    const got = nextMessage(sub);
    await sub.subscribeAsync("exp2");
    const interval = (await got).packet.properties?.messageExpiryInterval;
    expect(interval).toBeGreaterThan(0);
    expect(interval).toBeLessThan(10);
  });

  it("retainAvailable false: v5 retained PUBLISH gets DISCONNECT 0x9A", async () => {
    await h.start({ retainAvailable: false });
    const pub = await h.connect({ protocolVersion: 5 });
    const disconnect = new Promise<any>((resolve) => pub.once("disconnect", resolve));
    pub.publish("x", "y", { retain: true });
    expect((await disconnect).reasonCode).toBe(0x9a);
  });
});
