// Spec tests for 4.8.2 shared subscriptions (MQTT 5.0 only): $share/{ShareName}/{filter} syntax, each message
// to one member of the group at that member's granted QoS, refused messages not passed on to another member.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, connect, hex, P, props, publish, subscribe, suback, T } from "../helpers/packets.ts";
import type { SpecClient } from "./support/spec-client.ts";
import { expectPublish, subscriber } from "./support/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.stop());
const id = uniqueId("shr");
const level = 5;

/** A refused shared topicFilter: SUBACK 0x8F for it, or DISCONNECT 0x8F/0x81/0x82 and the close. */
async function expectRefused(topicFilter: string) {
  const c = await broker.connected({ level, clientId: id() });
  c.send(subscribe(level, 1, [[topicFilter, 0]]));
  const got = await c.nextPacket();
  if (got && got[0] === T.SUBACK) return expect(hex(got)).toBe(hex(suback(level, 1, [0x8f])));
  expect(["e0 8f", "e0 81", "e0 82"], `got ${got ? hex(got) : "(closed)"}`).toContain(got ? hex([got[0]!, got[2] ?? 0]) : "");
  await c.expectClose();
}

/** Two members of one share group on `topic`, subscribed at these QoS. */
async function group(topic: string, qos: [number, number]): Promise<SpecClient[]> {
  const share = `$share/g${id()}/${topic}`;
  return [
    await subscriber(broker, { level, clientId: id() }, share, qos[0]),
    await subscriber(broker, { level, clientId: id() }, share, qos[1]),
  ];
}

describe("MQTT 5.0", () => {
  it("v5 [MQTT-4.8.2-1] a shared subscription needs a ShareName of at least one character", async () => {
    await expectRefused("$share//a/b");
  });

  it("v5 [MQTT-4.8.2-2] a ShareName without '/', '+' or '#', followed by '/' and a topicFilter", async () => {
    for (const filter of ["$share/g", "$share/g/", "$share/g+/a", "$share/g#/a"]) await expectRefused(filter);
  });

  it("each message goes to exactly one member of the group", async () => {
    const topic = `sh/${id()}`;
    const members = await group(topic, [0, 0]);
    const pub = await broker.connected({ level, clientId: id() });
    for (let i = 0; i < 6; i++) pub.send(publish(level, { topic, payload: `${i}` }));
    const got = [...(await members[0]!.collect()), ...(await members[1]!.collect())];
    expect(got.map((p) => p.subarray(p.length - 1).toString()).sort()).toEqual(["0", "1", "2", "3", "4", "5"]);
  });

  it("v5 [MQTT-4.8.2-3] a member gets the message at its own granted QoS", async () => {
    const topic = `sh/${id()}`;
    const members = await group(topic, [0, 0]);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 1, payload: "q" }));
    const got = [...(await members[0]!.collect()), ...(await members[1]!.collect())];
    expect(got.map(hex)).toEqual([hex(publish(level, { topic, payload: "q" }))]);
  });

  it("v5 [MQTT-4.8.2-4] a member that leaves with a QoS 2 message in flight gets it on reconnect; the other member never does", async () => {
    const topic = `sh/${id()}`;
    const share = `$share/g${id()}/${topic}`;
    const clientId = id();
    const session = { level, clientId, cleanStart: false, properties: props(P.sessionExpiryInterval(60)) } as const;
    const a = await subscriber(broker, session, share, 2);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 2, packetId: 1, payload: "mine" }));
    const packetId = await expectPublish(a, level, { topic, qos: 2, payload: "mine" });
    const b = await subscriber(broker, { level, clientId: id() }, share, 2);
    a.close();
    await b.expectSilence();
    const back = await broker.open();
    back.send(connect(session));
    await back.expectType(T.CONNACK);
    await back.expect(publish(level, { topic, qos: 2, dup: true, packetId, payload: "mine" }));
  });

  it("v5 [MQTT-4.8.2-5] a member's session ends before it reconnects: its in-flight QoS 2 message is not sent to another member", async () => {
    const topic = `sh/${id()}`;
    const share = `$share/g${id()}/${topic}`;
    const a = await subscriber(broker, { level, clientId: id(), properties: props(P.sessionExpiryInterval(1)) }, share, 2);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 2, packetId: 1, payload: "lost" }));
    await expectPublish(a, level, { topic, qos: 2, payload: "lost" });
    const b = await subscriber(broker, { level, clientId: id() }, share, 2);
    a.close();
    await b.expectSilence(1600);
  });

  it("v5 [MQTT-4.8.2-6] a message refused with a PUBACK of 0x80 or more is not sent to another member", async () => {
    const topic = `sh/${id()}`;
    const members = await group(topic, [1, 1]);
    const pub = await broker.connected({ level, clientId: id() });
    pub.send(publish(level, { topic, qos: 1, packetId: 1, payload: "once" }));
    const copies = await Promise.all(members.map((m) => m.collect(500)));
    expect(copies.map((c) => c.length).sort(), "one member got it").toEqual([0, 1]);
    const k = copies[0]!.length === 1 ? 0 : 1;
    const got = copies[k]![0]!;
    members[k]!.send(ack(T.PUBACK, level, got.readUInt16BE(4 + got.readUInt16BE(2)), 0x80));
    for (const m of members) await m.expectSilence();
  });
});
