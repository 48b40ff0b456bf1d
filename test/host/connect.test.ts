// CONNECT / CONNACK: exact replies over raw sockets, client id rules, refusals, timeouts, hooks.
import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "../helpers/broker.ts";
import { keepAliveBand, sleepUntil } from "../helpers/keep-alive.ts";
import { connectBytes, packet, str } from "../helpers/packets.ts";

const h = new Harness();
afterEach(() => h.close());

describe("CONNACK", () => {
  it("v3.1.1 [MQTT-3.2.0-1] a valid CONNECT gets CONNACK return code 0 as the first packet", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 4 }));
    expect([...await raw.packet()]).toEqual([0x20, 0x02, 0x00, 0x00]);
    expect(h.broker.stats.connections).toBe(1);
  });

  it("MQTT 3.1 (MQIsdp, level 3) is accepted on the same listener", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 3, clientId: "old" }));
    expect([...await raw.packet()]).toEqual([0x20, 0x02, 0x00, 0x00]);
  });

  it("v5 CONNACK reason code 0 with the server's limits as properties", async () => {
    await h.start({ receiveMaximum: 10, maximumQoS: 1, maxPacketSize: 4096, topicAliasMaximum: 5 });
    const client = await h.connect({ protocolVersion: 5 });
    expect(client.connected).toBe(true);
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5 }));
    const connack = await raw.packet();
    expect(connack[0]).toBe(0x20);
    expect(connack[3]).toBe(0x00);
    const props = connack.subarray(5);
    expect(props.includes(0x21)).toBe(true); // receive maximum
    expect([...props]).toEqual(expect.arrayContaining([0x24, 0x01])); // maximum QoS 1
  });

  it("[MQTT-3.1.0-1] a first packet that is not CONNECT closes the connection", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send([0xc0, 0x00]);
    expect(await raw.waitClosed()).toBe(true);
    expect(h.broker.stats.protocolErrors).toBe(1);
  });

  it("v3.1.1 [MQTT-3.1.0-2] a second CONNECT closes the connection", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 4 }));
    await raw.packet();
    raw.send(connectBytes({ level: 4 }));
    expect(await raw.waitClosed()).toBe(true);
  });

  it("v5 [MQTT-3.1.0-2] a second CONNECT gets DISCONNECT 0x82 (protocol error)", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5 }));
    await raw.packet();
    raw.send(connectBytes({ level: 5 }));
    const disconnect = await raw.packet();
    expect(disconnect[0]).toBe(0xe0);
    expect(disconnect[2]).toBe(0x82);
    expect(await raw.waitClosed()).toBe(true);
  });

  it("v3.1.1 [MQTT-3.1.2-2] an unsupported protocol level gets return code 1, then close", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 6 }));
    expect([...await raw.packet()]).toEqual([0x20, 0x02, 0x00, 0x01]);
    expect(await raw.waitClosed()).toBe(true);
  });

  it("v3.1.1 [MQTT-3.1.3-8] an empty client id without clean session gets return code 2", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 4, clientId: "", cleanStart: false }));
    expect([...await raw.packet()]).toEqual([0x20, 0x02, 0x00, 0x02]);
    expect(await raw.waitClosed()).toBe(true);
  });

  it("v3.1.1 [MQTT-3.1.3-6] an empty client id with clean session is accepted", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 4, clientId: "", cleanStart: true }));
    expect([...await raw.packet()]).toEqual([0x20, 0x02, 0x00, 0x00]);
  });

  it("v5 [MQTT-3.2.2-16] an empty client id gets an Assigned Client Identifier", async () => {
    await h.start();
    const client = h.client({ protocolVersion: 5, clientId: "" });
    const connack = await new Promise<any>((resolve) => client.once("connect", resolve));
    expect(connack.properties.assignedClientIdentifier).toMatch(/^quarkmq-/);
  });

  it("v5 Server Keep Alive tells the client a capped keep-alive", async () => {
    await h.start({ maxKeepAlive: 30 });
    const client = h.client({ protocolVersion: 5, keepalive: 120 });
    const connack = await new Promise<any>((resolve) => client.once("connect", resolve));
    expect(connack.properties.serverKeepAlive).toBe(30);
  });

  it("v3.1.1 a keep-alive above maxKeepAlive is refused (return code 2), as 3.1.1 cannot be told a lower one", async () => {
    await h.start({ maxKeepAlive: 30 });
    const raw = await h.raw();
    raw.send(connectBytes({ level: 4, keepAlive: 60 }));
    expect([...await raw.packet()]).toEqual([0x20, 0x02, 0x00, 0x02]);
  });

  it("v5 an authentication method without an authenticate hook gets CONNACK 0x8C", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5, properties: [0x15, ...str("SCRAM-SHA-1")] }));
    const connack = await raw.packet();
    expect(connack[3]).toBe(0x8c);
    expect(await raw.waitClosed()).toBe(true);
  });
});

describe("authentication", () => {
  const hooks = {
    authenticate: ({ client, password }: { client: { username?: string }; password?: Buffer }) =>
      client.username === "alice" && password?.toString() === "secret",
  };

  it.each([4, 5] as const)("protocol %i: authenticate accepts good credentials", async (protocolVersion) => {
    await h.start({ hooks });
    const client = await h.connect({ protocolVersion, username: "alice", password: "secret" });
    expect(client.connected).toBe(true);
  });

  it("v3.1.1 a refused password gets return code 4 (bad user name or password)", async () => {
    await h.start({ hooks });
    await expect(h.connect({ protocolVersion: 4, username: "alice", password: "wrong" })).rejects.toMatchObject({ code: 4 });
  });

  it("v5 a refused password gets CONNACK 0x86 (bad user name or password)", async () => {
    await h.start({ hooks });
    await expect(h.connect({ protocolVersion: 5, username: "alice", password: "wrong" })).rejects.toMatchObject({ code: 0x86 });
  });

  it("an async authenticate hook holds back packets pipelined after CONNECT", async () => {
    await h.start({ hooks: { authenticate: async () => { await new Promise((r) => setTimeout(r, 50)); return true; } } });
    const raw = await h.raw();
    raw.send([...connectBytes({ level: 4 }), 0xc0, 0x00]);
    expect([...await raw.packet()]).toEqual([0x20, 0x02, 0x00, 0x00]);
    expect([...await raw.packet()]).toEqual([0xd0, 0x00]);
  });

  it("v3.1.1 allowAnonymous false refuses a client without user name (return code 5)", async () => {
    await h.start({ allowAnonymous: false });
    await expect(h.connect({ protocolVersion: 4 })).rejects.toMatchObject({ code: 5 });
  });
});

describe("timeouts", () => {
  it("a connection that sends no CONNECT within connectTimeout is closed", async () => {
    await h.start({ connectTimeout: 1 });
    const raw = await h.raw();
    expect(await raw.waitClosed(4000)).toBe(true);
  });

  it("v3.1.1 [MQTT-3.1.2-24] keep-alive 2: closed between 1.2 x and 1.5 x (plus two wheel ticks) after the CONNECT", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 4, keepAlive: 2 }));
    const band = keepAliveBand(Date.now(), 2);
    await raw.packet();
    await sleepUntil(band.openUntil);
    expect(raw.isClosed).toBe(false);
    expect(await raw.waitClosed(band.closedBy - Date.now())).toBe(true);
  });

  it("v5 [MQTT-3.1.2-22] keep-alive timeout sends DISCONNECT 0x8D within the band from the last PINGREQ", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send(connectBytes({ level: 5, keepAlive: 2 }));
    await raw.packet();
    await sleepUntil(Date.now() + 1000);
    raw.send([0xc0, 0x00]);
    const band = keepAliveBand(Date.now(), 2);
    expect([...await raw.packet()]).toEqual([0xd0, 0x00]); // [MQTT-3.12.4-1]
    await sleepUntil(band.openUntil);
    expect(raw.isClosed).toBe(false);
    const disconnect = await raw.packet(band.closedBy - Date.now());
    expect([...disconnect]).toEqual([0xe0, 0x01, 0x8d]);
    expect(await raw.waitClosed()).toBe(true);
  });

  it("PINGREQ is answered with PINGRESP", async () => {
    await h.start();
    const raw = await h.raw();
    raw.send([...connectBytes({ level: 4 }), ...packet(0xc0, [])]);
    await raw.packet();
    expect([...await raw.packet()]).toEqual([0xd0, 0x00]);
  });
});
