// Spec tests for MQTT 3.1 (protocol name "MQIsdp", level 3) where it differs from 3.1.1: protocol name and level,
// client identifiers of 1-23 characters, return codes, DUP on PUBREL/SUBSCRIBE/UNSUBSCRIBE, no Session Present,
// will and credential flags. 3.1 has no statement ids: tests are named by the 3.1 specification's section.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "./support/broker.ts";
import { uniqueId } from "./support/ids.ts";
import { ack, connack, connect, hex, packet, publish, str, suback, subscribe, T, u16, unsuback, unsubscribe } from "../helpers/packets.ts";
import { expectPublish, subscribeOk, subscriber } from "./support/session.ts";
import type { AuthenticateEvent } from "../../host/hooks.ts";

let broker: TestBroker;
const seen: AuthenticateEvent[] = [];
beforeAll(async () => {
  broker = await startBroker({
    hooks: {
      authenticate(event) {
        seen.push(event);
        if (event.client.username === "denied") return false; // 0x04 Bad user name or password
        if (event.client.username === "banned") return 0x87; // Not authorized: 3.1 return code 0x05
        return true;
      },
    },
  });
});
afterAll(() => broker.stop());
const id = uniqueId("q31");

/** First bytes 3.1 clients send when they send a PUBREL, SUBSCRIBE or UNSUBSCRIBE again: QoS 1 and DUP set. */
const PUBREL_DUP = 0x6a, SUBSCRIBE_DUP = 0x8a, UNSUBSCRIBE_DUP = 0xaa;

describe("MQTT 3.1 CONNECT (3.1 section 3.1)", () => {
  it("3.1 §3.1 protocol name MQIsdp with level 3 is accepted: CONNACK 20 02 00 00", async () => {
    const c = await broker.open();
    c.send(connect({ level: 3, clientId: id() }));
    await c.expect(Buffer.from([0x20, 0x02, 0x00, 0x00]));
  });

  it("3.1 §3.1 MQIsdp with level 4, or MQTT with level 3: return code 0x01 unacceptable protocol version, then the close", async () => {
    for (const bytes of [
      packet(T.CONNECT, str("MQIsdp"), [4], [0x02], u16(0), str(id())),
      packet(T.CONNECT, str("MQTT"), [3], [0x02], u16(0), str(id())),
    ]) {
      const c = await broker.open();
      c.send(bytes);
      await c.expectRefusal(3, 0x01);
    }
  });

  it("3.1 §3.1 client identifiers of 1 and 23 characters are accepted", async () => {
    for (const clientId of ["a", "abcdefghijklmnopqrstuvw"]) {
      const c = await broker.open();
      c.send(connect({ level: 3, clientId }));
      await c.expect(connack(3, false, 0));
    }
  });

  it("3.1 §3.1 a client identifier over 23 characters is accepted (quarkmq's choice, as 3.1.1 allows)", async () => {
    const c = await broker.open();
    c.send(connect({ level: 3, clientId: `${id()}-longer-than-twenty-three-characters` }));
    await c.expect(connack(3, false, 0));
  });

  it("3.1 §3.1 an empty client identifier is refused with 0x02 identifier rejected, even with Clean Session", async () => {
    for (const cleanStart of [true, false]) {
      const c = await broker.open();
      c.send(connect({ level: 3, clientId: "", cleanStart }));
      await c.expectRefusal(3, 0x02);
    }
  });

  it("3.1 §3.2 return codes 0x04 bad user name or password and 0x05 not authorized, then the close", async () => {
    const denied = await broker.open();
    denied.send(connect({ level: 3, clientId: id(), username: "denied", password: Buffer.from("x") }));
    await denied.expectRefusal(3, 0x04);
    const banned = await broker.open();
    banned.send(connect({ level: 3, clientId: id(), username: "banned" }));
    await banned.expectRefusal(3, 0x05);
  });

  it("3.1 §3.1 user name and password flags: both reach authentication", async () => {
    const clientId = id();
    const c = await broker.open();
    c.send(connect({ level: 3, clientId, username: "alice", password: Buffer.from("secret") }));
    await c.expect(connack(3, false, 0));
    const event = seen.find((e) => e.client.clientId === clientId)!;
    expect([event.client.username, event.password?.toString(), event.client.protocolLevel]).toEqual(["alice", "secret", 3]);
  });

  it("3.1 §3.1 will flag, will QoS and will retain: the will goes out as given when the client drops", async () => {
    const topic = `will31/${id()}`;
    const watcher = await subscriber(broker, { level: 4, clientId: id() }, topic, 1);
    const c = await broker.open();
    c.send(connect({ level: 3, clientId: id(), keepAlive: 60, will: { topic, payload: Buffer.from("gone"), qos: 1, retain: true } }));
    await c.expect(connack(3, false, 0));
    c.close();
    await expectPublish(watcher, 4, { topic, qos: 1, payload: "gone" });
    const late = await subscriber(broker, { level: 4, clientId: id() }, topic);
    await expectPublish(late, 4, { topic, retain: true, payload: "gone" }); // stored as retained: will retain was honoured
  });
});

describe("MQTT 3.1 CONNACK (3.1 section 3.2)", () => {
  it("3.1 §3.2 a resumed session gets 20 02 00 00: the first byte is reserved, there is no Session Present", async () => {
    const clientId = id(), topic = `resume31/${id()}`;
    const first = await broker.open();
    first.send(connect({ level: 3, clientId, cleanStart: false }));
    await first.expect(connack(3, false, 0));
    await subscribeOk(first, 3, [[topic, 1]]);
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await broker.open();
    again.send(connect({ level: 3, clientId, cleanStart: false }));
    await again.expect(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    const publisher = await broker.connected({ level: 4, clientId: id() });
    publisher.send(publish(4, { topic, payload: "still subscribed" }));
    await expectPublish(again, 3, { topic, payload: "still subscribed" }); // the session was resumed indeed
  });
});

describe("MQTT 3.1 DUP on PUBREL, SUBSCRIBE and UNSUBSCRIBE (3.1 section 2.1 DUP, 3.6, 3.8, 3.10)", () => {
  it("3.1 §3.6 a PUBREL sent again with DUP (first byte 0x6A) completes the QoS 2 exchange after a reconnect", async () => {
    const clientId = id(), topic = `dup31/${id()}`;
    const watcher = await subscriber(broker, { level: 4, clientId: id() }, topic);
    const first = await broker.open();
    first.send(connect({ level: 3, clientId, cleanStart: false }));
    await first.expect(connack(3, false, 0));
    first.send(publish(3, { topic, qos: 2, packetId: 7, payload: "once" }));
    await first.expect(ack(T.PUBREC, 3, 7));
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await broker.open();
    again.send(connect({ level: 3, clientId, cleanStart: false }));
    await again.expect(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    again.send(packet(PUBREL_DUP, u16(7)));
    await again.expect(ack(T.PUBCOMP, 3, 7));
    await expectPublish(watcher, 4, { topic, payload: "once" });
  });

  it("3.1 §3.8 §3.10 SUBSCRIBE (0x8A) and UNSUBSCRIBE (0xAA) with DUP are answered; DUP is ignored", async () => {
    const c = await broker.connected({ level: 3, clientId: id() });
    const topic = `dupsub31/${id()}`;
    c.send(packet(SUBSCRIBE_DUP, u16(3), str(topic), [1]));
    await c.expect(suback(3, 3, [1]));
    c.send(packet(UNSUBSCRIBE_DUP, u16(4), str(topic)));
    await c.expect(unsuback(3, 4));
    c.send(publish(3, { topic, qos: 1, packetId: 5, payload: "nobody" }));
    await c.expect(ack(T.PUBACK, 3, 5)); // and no PUBLISH back: the UNSUBSCRIBE took effect
    expect(hex((await c.nextPacket(300)) ?? [])).toBe("");
  });

  for (const level of [4, 5] as const) {
    const v = level === 5 ? "v5" : "v3.1.1";
    it(`${v} [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1] at ${v} the same DUP first bytes still close the connection`, async () => {
      for (const bytes of [
        packet(PUBREL_DUP, u16(1)),
        packet(SUBSCRIBE_DUP, u16(1), level === 5 ? [0] : [], str("a"), [0]),
        packet(UNSUBSCRIBE_DUP, u16(1), level === 5 ? [0] : [], str("a")),
      ]) {
        const c = await broker.connected({ level, clientId: id() });
        c.send(bytes);
        await c.expectServerClose(level, 0x81);
      }
    });
  }

  it("3.1 §3.8 a SUBSCRIBE without DUP keeps working at level 3 (flags 0010)", async () => {
    const c = await broker.connected({ level: 3, clientId: id() });
    c.send(subscribe(3, 9, [[`plain31/${id()}`, 2]]));
    await c.expect(suback(3, 9, [2]));
  });
});
