// Hooks: v5 enhanced authentication through the authenticate hook (CONNECT and AUTH), the
// notification hooks, and a QoS cap from authorizeSubscribe.
import { afterEach, describe, expect, it } from "vitest";
import type { AuthenticateEvent, Hooks } from "../../host/index.ts";
import { Harness, once } from "../helpers/broker.ts";
import { connectBytes, packet, str } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

describe("v5 authentication method", () => {
  const seen: AuthenticateEvent[] = [];
  const hooks: Hooks = {
    authenticate: (event) => {
      seen.push(event);
      if (event.authenticationMethod === undefined) return true;
      return event.authenticationMethod === "TOKEN" && event.authenticationData?.toString() === "good";
    },
  };
  const method = [0x15, ...str("TOKEN")];
  const data = (value: string) => [0x16, ...str(value)];

  it("v5 [MQTT-4.12.0-5] an accepted method is echoed in CONNACK", async () => {
    seen.length = 0;
    await h.start({ hooks });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5, properties: [...method, ...data("good")] }));
    const connack = await raw.packet();
    expect(connack[3]).toBe(0x00);
    expect(connack.includes(0x15)).toBe(true);
    expect(seen[0]!.authenticationMethod).toBe("TOKEN");
  });

  it("v5 a refused method gets CONNACK 0x86 and the connection closes", async () => {
    await h.start({ hooks });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5, properties: [...method, ...data("bad")] }));
    expect((await raw.packet())[3]).toBe(0x86);
    expect(await raw.waitClosed()).toBe(true);
  });

  it("v5 re-authentication with AUTH 0x19 is answered with AUTH 0x00, a refusal with DISCONNECT 0x87", async () => {
    await h.start({ hooks });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5, properties: [...method, ...data("good")] }));
    await raw.packet();
    const props = [...method, ...data("good")];
    raw.send(packet(0xf0, [0x19, props.length, ...props]));
    const auth = await raw.packet();
    expect([auth[0], auth[2]]).toEqual([0xf0, 0x00]);
    const bad = [...method, ...data("bad")];
    raw.send(packet(0xf0, [0x19, bad.length, ...bad]));
    const disconnect = await raw.packet();
    expect([disconnect[0], disconnect[2]]).toEqual([0xe0, 0x87]);
  });

  it("v5 AUTH from a client that connected without a method is a protocol error", async () => {
    await h.start({ hooks });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5 }));
    await raw.packet();
    raw.send(packet(0xf0, [0x19, method.length, ...method]));
    const disconnect = await raw.packet();
    expect([disconnect[0], disconnect[2]]).toEqual([0xe0, 0x82]);
  });
});

describe("notification hooks", () => {
  it("onConnect, onSubscribe, onPublish and onDisconnect see one client's life", async () => {
    const events: string[] = [];
    await h.start({
      hooks: {
        onConnect: ({ client }) => events.push(`connect ${client.clientId}`),
        onSubscribe: ({ topicFilter, qos }) => events.push(`subscribe ${topicFilter} ${qos}`),
        onPublish: ({ topicName, payload }) => events.push(`publish ${topicName} ${payload}`),
        onDisconnect: ({ client, reasonCode }) => events.push(`disconnect ${client.clientId} ${reasonCode}`),
      },
    });
    const client = await h.connect({ protocolVersion: 5, clientId: "life" });
    await client.subscribeAsync("l", { qos: 1 });
    await client.publishAsync("l", "p", { qos: 1 });
    const gone = once(h.broker, "clientDisconnect");
    await client.endAsync();
    await gone;
    expect(events).toEqual(["connect life", "subscribe l 1", "publish l p", "disconnect life 0"]);
  });

  it("authorizeSubscribe answering 0 grants QoS 0", async () => {
    await h.start({ hooks: { authorizeSubscribe: () => 0 } });
    const client = await h.connect({ protocolVersion: 4 });
    const granted = await client.subscribeAsync("capped", { qos: 2 });
    expect(granted[0]!.qos).toBe(0);
  });
});
