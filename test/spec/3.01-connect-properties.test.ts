// Spec tests for the v5 CONNECT properties the server must honour (3.1.2.11): the client's Maximum Packet Size
// (a larger PUBLISH is not sent) and a session kept while connected. The rules on Reason String, User Property and
// Response Information are not cited: the server never sends those properties, so no test could see them broken.
import { afterAll, beforeAll, describe, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { P, props, publish } from "../helpers/packets.ts";
import { expectPublish, subscribeOk, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("cpr");
const level = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("MQTT 5.0", () => {
  it("v5 [MQTT-3.1.2-24] v5 [MQTT-3.1.2-25] a PUBLISH larger than the client's Maximum Packet Size is not sent; later ones are", async () => {
    const topic = `mp/${id()}`;
    const sub = await subscriber(broker, { level, clientId: id(), properties: props(P.maximumPacketSize(64)) }, topic, 1);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 1, payload: Buffer.alloc(100, 0x61) }));
    pub.send(publish(level, { topic, qos: 1, packetId: 2, payload: "fits" }));
    await expectPublish(sub, level, { topic, qos: 1, payload: "fits" });
    await sub.expectSilence();
  });

  it("v5 [MQTT-4.1.0-1] the session is kept while the connection is open, past its Session Expiry Interval", async () => {
    const topic = `mp/${id()}`;
    const sub = await broker.connected({ level, clientId: id(), properties: props(P.sessionExpiryInterval(1)) });
    await subscribeOk(sub, level, [[topic, 0]]);
    await sleep(1600);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, payload: "alive" }));
    await expectPublish(sub, level, { topic, payload: "alive" });
  });
});
