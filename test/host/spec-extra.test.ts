// Further server obligations checked byte by byte: CONNECT refusals for will options, nothing
// processed after a refused CONNECT, topic aliases per connection, subscription replacement,
// a refused QoS 2 packet id reusable at once.
import { afterEach, describe, expect, it } from "vitest";
import { Harness, collect, nextMessage } from "../helpers/broker.ts";
import { connectBytes, publishBytes, subscribeBytes } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

describe("CONNECT refusals", () => {
  it("v5 [MQTT-3.2.2-12] a Will QoS above maximumQoS gets CONNACK 0x9B, then close", async () => {
    await h.start({ maximumQoS: 1 });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5, will: { qos: 2 } }));
    expect([...await raw.packet()].slice(0, 4)).toEqual([0x20, 0x03, 0x00, 0x9b]);
    expect(await raw.waitClosed()).toBe(true);
  });

  it("v5 [MQTT-3.2.2-13] a retained will without retain support gets CONNACK 0x9A, then close", async () => {
    await h.start({ retainAvailable: false });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5, will: { qos: 0, retain: true } }));
    expect([...await raw.packet()].slice(0, 4)).toEqual([0x20, 0x03, 0x00, 0x9a]);
    expect(await raw.waitClosed()).toBe(true);
  });

  it("v3.1.1 [MQTT-3.1.4-5] nothing sent after a refused CONNECT is processed", async () => {
    await h.start({ hooks: { authenticate: () => false } });
    let published = 0;
    h.broker.subscribe("#", () => published++);
    const raw = await h.raw();
    raw.send([...connectBytes({ level: 4 }), ...publishBytes(4, "sneaky", "x")]);
    expect([...await raw.packet()]).toEqual([0x20, 0x02, 0x00, 0x04]);
    expect(await raw.waitClosed()).toBe(true);
    expect(published).toBe(0);
  });
});

describe("v5 topic alias scope", () => {
  it("v5 [MQTT-3.3.2-7] a topic alias is not carried to the next connection", async () => {
    await h.start();
    const first = await h.raw();
    first.send(connectBytes({ level: 5, clientId: "aliaser" }));
    await first.packet();
    first.send(publishBytes(5, "a/t", "x", 0, 0, [0x23, 0x00, 0x01]));
    first.close();
    const second = await h.raw();
    second.send(connectBytes({ level: 5, clientId: "aliaser" }));
    await second.packet();
    second.send(publishBytes(5, "", "y", 0, 0, [0x23, 0x00, 0x01]));
    const disconnect = await second.packet();
    expect([disconnect[0], disconnect[2]]).toEqual([0xe0, 0x82]);
  });
});

describe("subscriptions", () => {
  it("v5 [MQTT-3.8.4-3] subscribing again to the same filter replaces the subscription", async () => {
    await h.start();
    const client = await h.connect({ protocolVersion: 5 });
    await client.subscribeAsync("same", { qos: 0 });
    await client.subscribeAsync("same", { qos: 2 });
    expect(h.broker.topics.subscriptionCount).toBe(1);
    const got = collect(client, 300);
    await h.broker.publish({ topicName: "same", payload: "once", qos: 2 });
    const all = await got;
    expect(all.length).toBe(1);
    expect(all[0]!.packet.qos).toBe(2);
  });

  it("v5 [MQTT-3.3.1-9] retain handling 0 sends retained messages on every subscribe", async () => {
    await h.start();
    await h.broker.publish({ topicName: "rh0", payload: "kept", retain: true });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5 }));
    await raw.packet();
    raw.send(subscribeBytes(5, 1, "rh0", 0x00));
    await raw.packet();
    expect((await raw.packet())[0]).toBe(0x31);
    raw.send(subscribeBytes(5, 2, "rh0", 0x00));
    await raw.packet();
    expect((await raw.packet())[0]).toBe(0x31);
  });
});

describe("QoS 2 refusals", () => {
  it("v5 [MQTT-4.3.3-9] after PUBREC >= 0x80 the same packet id starts a new message", async () => {
    await h.start({ hooks: { authorizePublish: ({ payload }) => payload.toString() !== "no" } });
    const sub = await h.connect({ protocolVersion: 5 });
    await sub.subscribeAsync("q2");
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5 }));
    await raw.packet();
    raw.send(publishBytes(5, "q2", "no", 2, 3));
    expect([...await raw.packet()]).toEqual([0x50, 0x03, 0x00, 0x03, 0x87]);
    const got = nextMessage(sub);
    raw.send(publishBytes(5, "q2", "yes", 2, 3));
    expect([...await raw.packet()]).toEqual([0x50, 0x02, 0x00, 0x03]);
    expect((await got).payload.toString()).toBe("yes");
  });
});
