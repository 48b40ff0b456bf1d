// Spec tests for the Will Message (3.1.2.5-3.1.2.7, 3.1.3.2-3.1.3.4), MQTT 3.1.1 and 5.0: published when the
// connection ends without DISCONNECT, retained or not as asked, delayed in v5, never after a new connection.
import { afterAll, beforeAll, describe, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { connect, P, props, T, type Will } from "../helpers/packets.ts";
import { expectPublish, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("wil");

/** Connects a client with this Will, then drops the TCP connection without DISCONNECT. */
async function dieWith(level: 4 | 5, will: Will, properties?: Buffer, clientId = id()) {
  const c = await broker.connected({ level, clientId, will, properties });
  c.close();
  return clientId;
}

for (const level of [4, 5] as const) {
  describe(level === 5 ? "MQTT 5.0" : "MQTT 3.1.1", () => {
    it("[MQTT-3.1.2-8] the Will Message is published when the connection closes without DISCONNECT", async () => {
      const topic = `w/${id()}`;
      const sub = await subscriber(broker, { level, clientId: id() }, topic);
      await dieWith(level, { topic, payload: Buffer.from("gone") });
      await expectPublish(sub, level, { topic, payload: "gone" });
    });
  });
}

describe("MQTT 3.1.1", () => {
  it("v3.1.1 [MQTT-3.1.2-12] with Will Flag 0 nothing is published when the connection closes", async () => {
    const clientId = id();
    const sub = await subscriber(broker, { level: 4, clientId: id() }, `w/${clientId}/#`);
    const c = await broker.connected({ level: 4, clientId });
    c.close();
    await sub.expectSilence();
  });

  it("v3.1.1 [MQTT-3.1.2-8] a connection taken over by a new one for its clientId publishes its Will", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 4, clientId: id() }, topic);
    const clientId = id();
    const first = await broker.connected({ level: 4, clientId, will: { topic, payload: Buffer.from("taken") } });
    const second = await broker.open();
    second.send(connect({ level: 4, clientId }));
    await second.expectType(T.CONNACK);
    await first.expectClose();
    await expectPublish(sub, 4, { topic, payload: "taken" });
  });

  it("v3.1.1 [MQTT-3.1.2-16] Will Retain 0: published as a non-retained message", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 4, clientId: id() }, topic);
    await dieWith(4, { topic, payload: Buffer.from("x"), retain: false });
    await expectPublish(sub, 4, { topic, payload: "x" });
    const late = await subscriber(broker, { level: 4, clientId: id() }, topic);
    await late.expectSilence();
  });

  it("v3.1.1 [MQTT-3.1.2-17] Will Retain 1: published as a retained message", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 4, clientId: id() }, topic);
    await dieWith(4, { topic, payload: Buffer.from("r"), retain: true });
    await expectPublish(sub, 4, { topic, payload: "r" });
    const late = await subscriber(broker, { level: 4, clientId: id() }, topic);
    await expectPublish(late, 4, { topic, payload: "r", retain: true });
  });
});

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.1.2-7] the Will Message is stored with the session and published at QoS 1 when asked", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic, 1);
    await dieWith(5, { topic, payload: Buffer.from("q1"), qos: 1 });
    await expectPublish(sub, 5, { topic, payload: "q1", qos: 1 });
  });

  it("v5 [MQTT-3.1.2-14] Will Retain 0: published as a non-retained message", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic);
    await dieWith(5, { topic, payload: Buffer.from("x"), retain: false });
    await expectPublish(sub, 5, { topic, payload: "x" });
    const late = await subscriber(broker, { level: 5, clientId: id() }, topic);
    await late.expectSilence();
  });

  it("v5 [MQTT-3.1.2-15] Will Retain 1: published as a retained message", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic);
    await dieWith(5, { topic, payload: Buffer.from("r"), retain: true });
    await expectPublish(sub, 5, { topic, payload: "r" });
    const late = await subscriber(broker, { level: 5, clientId: id() }, topic);
    await expectPublish(late, 5, { topic, payload: "r", retain: true });
  });

  it("v5 [MQTT-3.1.3-10] the Will's User Properties are published in their order", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic);
    const willProps = props(P.userProperty("b", "2"), P.userProperty("a", "1"), P.userProperty("b", "0"));
    await dieWith(5, { topic, payload: Buffer.from("u"), properties: willProps });
    await expectPublish(sub, 5, { topic, payload: "u", properties: willProps });
  });

  it("v5 [MQTT-3.1.2-8] a delayed Will is published once its Will Delay Interval has passed", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic);
    const willProps = props(P.willDelayInterval(1));
    await dieWith(5, { topic, payload: Buffer.from("late"), properties: willProps }, props(P.sessionExpiryInterval(30)));
    await sub.expectSilence(500);
    await expectPublish(sub, 5, { topic, payload: "late" });
  });

  it("v5 [MQTT-3.1.2-8] a delayed Will is published when the session ends first", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic);
    const willProps = props(P.willDelayInterval(30));
    await dieWith(5, { topic, payload: Buffer.from("ended"), properties: willProps }, props(P.sessionExpiryInterval(1)));
    await expectPublish(sub, 5, { topic, payload: "ended" });
  });

  it("v5 [MQTT-3.1.2-8] a connection taken over by a new one for its clientId publishes its Will", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic);
    const clientId = id();
    const first = await broker.connected({ level: 5, clientId, will: { topic, payload: Buffer.from("taken") } });
    const second = await broker.open();
    second.send(connect({ level: 5, clientId }));
    await second.expectType(T.CONNACK);
    await first.expectDisconnect(0x8e);
    await expectPublish(sub, 5, { topic, payload: "taken" });
  });

  it("v5 [MQTT-3.1.3-9] a new connection for the session before the Will Delay Interval passes: no Will", async () => {
    const topic = `w/${id()}`;
    const sub = await subscriber(broker, { level: 5, clientId: id() }, topic);
    const clientId = id();
    const session = props(P.sessionExpiryInterval(30));
    await dieWith(5, { topic, payload: Buffer.from("d"), properties: props(P.willDelayInterval(1)) }, session, clientId);
    const again = await broker.open();
    again.send(connect({ level: 5, clientId, cleanStart: false, properties: session }));
    await again.expectType(T.CONNACK);
    await sub.expectSilence(1600);
  });
});
