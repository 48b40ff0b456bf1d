// Spec tests for 3.1.2.4 Clean Start / CleanSession and Session Present (3.2.2.1), MQTT 3.1.1 and 5.0:
// a session kept across connections (its subscriptions, its queued QoS 1 messages) or discarded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { connack, connect, disconnect, hex, P, props, publish, T, type ConnectFields } from "../helpers/packets.ts";
import { expectPublish, subscribeOk } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("ses");

/** Connects and returns the CONNACK's flags and code bytes as hex ("01 00" = session present, success). */
async function connackFlags(fields: ConnectFields) {
  const c = await broker.open();
  c.send(connect(fields));
  const ack = await c.expectType(T.CONNACK);
  return { c, flags: hex(ack.subarray(2, 4)) };
}

/** A session that outlives its connection: v5 needs a Session Expiry Interval > 0. */
const keep = (level: 4 | 5, clientId: string): ConnectFields => ({
  level,
  clientId,
  cleanStart: false,
  properties: level === 5 ? props(P.sessionExpiryInterval(60)) : undefined,
});

/** Leaves a session holding a QoS 1 subscription to `topic`, then disconnects normally. */
async function leaveSession(level: 4 | 5, clientId: string, topic: string) {
  const c = await broker.connected(keep(level, clientId));
  await subscribeOk(c, level, [[topic, 1]]);
  c.send(disconnect(level));
  await c.expectClose();
}

describe("MQTT 3.1.1", () => {
  it("v3.1.1 [MQTT-3.2.2-3] CleanSession 0 without a stored session: Session Present 0", async () => {
    const c = await broker.open();
    c.send(connect({ level: 4, clientId: id(), cleanStart: false }));
    await c.expect(connack(4, false, 0));
  });

  it("v3.1.1 [MQTT-3.1.2-4] v3.1.1 [MQTT-3.1.2-5] v3.1.1 [MQTT-3.2.2-2] v3.1.1 [MQTT-3.1.3-2] v3.1.1 [MQTT-4.1.0-1] CleanSession 0 resumes the session: Session Present 1 and the QoS 1 message published meanwhile", async () => {
    const clientId = id();
    const topic = `s/${clientId}`;
    await leaveSession(4, clientId, topic);
    const pub = await broker.connected({ level: 4, clientId: id() });
    pub.send(publish(4, { topic, qos: 1, packetId: 7, payload: "kept" }));
    await pub.expect(Buffer.from([T.PUBACK, 2, 0, 7]));
    const c = await broker.open();
    c.send(connect({ level: 4, clientId, cleanStart: false }));
    await c.expect(connack(4, true, 0));
    await expectPublish(c, 4, { topic, qos: 1, payload: "kept" });
  });

  it("v3.1.1 [MQTT-3.1.2-6] v3.1.1 [MQTT-3.2.2-1] v3.1.1 [MQTT-3.1.4-3] CleanSession 1 discards the session: Session Present 0, subscriptions gone", async () => {
    const clientId = id();
    const topic = `s/${clientId}`;
    await leaveSession(4, clientId, topic);
    const c = await broker.open();
    c.send(connect({ level: 4, clientId }));
    await c.expect(connack(4, false, 0));
    const pub = await broker.connected({ level: 4, clientId: id() });
    pub.send(publish(4, { topic, payload: "lost" }));
    await c.expectSilence();
    c.send(disconnect(4));
    const again = await broker.open();
    again.send(connect({ level: 4, clientId, cleanStart: false }));
    await again.expect(connack(4, false, 0));
  });
});

describe("MQTT 3.1.1, a session for as long as the connection", () => {
  it("v3.1.1 [MQTT-4.1.0-2] with CleanSession 1 the session (its subscription) lasts while the connection is open", async () => {
    const topic = `s/${id()}`;
    const c = await broker.connected({ level: 4, clientId: id() });
    await subscribeOk(c, 4, [[topic, 0]]);
    await new Promise((r) => setTimeout(r, 500));
    const pub = await broker.connected({ level: 4, clientId: id() });
    pub.send(publish(4, { topic, payload: "still" }));
    await expectPublish(c, 4, { topic, payload: "still" });
  });
});

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.1.2-6] v5 [MQTT-3.2.2-3] Clean Start 0 without a session creates one: Session Present 0", async () => {
    const { flags } = await connackFlags(keep(5, id()));
    expect(flags).toBe("00 00");
  });

  it("v5 [MQTT-3.1.2-5] v5 [MQTT-3.1.2-23] v5 [MQTT-3.2.2-3] v5 [MQTT-3.1.3-2] Clean Start 0 resumes the stored session: Session Present 1, subscriptions kept", async () => {
    const clientId = id();
    const topic = `s/${clientId}`;
    await leaveSession(5, clientId, topic);
    const { c, flags } = await connackFlags(keep(5, clientId));
    expect(flags).toBe("01 00");
    const pub = await broker.connected({ level: 5, clientId: id() });
    pub.send(publish(5, { topic, payload: "live" }));
    await expectPublish(c, 5, { topic, payload: "live" });
  });

  it("v5 [MQTT-3.1.2-4] v5 [MQTT-3.2.2-2] v5 [MQTT-3.1.4-4] Clean Start 1 discards the stored session: Session Present 0, subscriptions gone", async () => {
    const clientId = id();
    const topic = `s/${clientId}`;
    await leaveSession(5, clientId, topic);
    const { c, flags } = await connackFlags({ level: 5, clientId, properties: props(P.sessionExpiryInterval(60)) });
    expect(flags).toBe("00 00");
    const pub = await broker.connected({ level: 5, clientId: id() });
    pub.send(publish(5, { topic, payload: "lost" }));
    await c.expectSilence();
  });

  it("a DISCONNECT with Session Expiry Interval 0 ends a session that would have been kept", async () => {
    const clientId = id();
    const c = await broker.connected(keep(5, clientId));
    c.send(disconnect(5, 0, props(P.sessionExpiryInterval(0))));
    await c.expectClose();
    const { flags } = await connackFlags(keep(5, clientId));
    expect(flags).toBe("00 00");
  });

  it("v5 [MQTT-4.1.0-2] a session is discarded once its Session Expiry Interval has passed", async () => {
    const clientId = id();
    const c = await broker.connected({ level: 5, clientId, cleanStart: false, properties: props(P.sessionExpiryInterval(1)) });
    await subscribeOk(c, 5, [[`s/${clientId}`, 1]]);
    c.send(disconnect(5));
    await c.expectClose();
    await new Promise((r) => setTimeout(r, 1600));
    const { flags } = await connackFlags(keep(5, clientId));
    expect(flags).toBe("00 00");
  });
});
