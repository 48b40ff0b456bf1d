// MQTT 5 enhanced authentication (4.12, 3.15) through `authMethods`: the built-in SCRAM-SHA-256 (success with the
// server's signature checked, wrong password, tampered proof, replayed nonce, re-authentication) and an embedder's
// own multi-step async method; exact AUTH / CONNACK / DISCONNECT bytes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scramEntry } from "../../host/config/scram-credentials.ts";
import { scramSha256 } from "../../host/security/scram-sha256.ts";
import type { AuthMethodHandler } from "../../host/security/auth-method.ts";
import { ScramClient } from "../helpers/scram-client.ts";
import { readProperties, startBroker, type TestBroker } from "../spec/support/broker.ts";
import { uniqueId } from "../spec/support/ids.ts";
import { connect, hex, P, packet, props, publish, T } from "../helpers/packets.ts";
import type { SpecClient as RawClient } from "../spec/support/spec-client.ts";

const SCRAM = "SCRAM-SHA-256";
const level = 5;
const id = uniqueId("eau");
const auth = (reasonCode: number, method: string, data?: Buffer) =>
  packet(T.AUTH, [reasonCode], props(P.authenticationMethod(method), ...(data ? [P.authenticationData(data)] : [])));
/** Authentication Data (0x16) of an AUTH (properties at 3) or CONNACK (at 4). */
const dataOf = (p: Buffer, offset: number) => readProperties(p, offset).find(([pid]) => pid === 0x16)?.[1].subarray(2);
const methodOf = (p: Buffer, offset: number) => readProperties(p, offset).find(([pid]) => pid === 0x15)?.[1].subarray(2).toString();

/** An async two-step method: the client sends "hello", gets "challenge", answers "42". */
const riddle: AuthMethodHandler = () => {
  let asked = false;
  return {
    async step(data) {
      await new Promise((r) => setTimeout(r, 5));
      if (!asked && data?.toString() === "hello") {
        asked = true;
        return { continue: Buffer.from("challenge") };
      }
      return asked && data?.toString() === "42" ? { success: true, data: Buffer.from("welcome"), username: "riddler" } : { failure: 0x87 };
    },
  };
};

let broker: TestBroker;
beforeAll(async () => {
  const store = new Map([["alice", await scramEntry("wonderland")]]);
  broker = await startBroker({ authMethods: { [SCRAM]: scramSha256((u) => store.get(u)), riddle } });
});
afterAll(() => broker.stop());

/** Runs a SCRAM login up to the CONNACK; returns the client, the CONNACK and the SCRAM client. */
async function scramLogin(password: string, options: { tamper?: boolean; nonce?: string } = {}): Promise<[RawClient, Buffer, ScramClient]> {
  const scram = new ScramClient("alice", password);
  const c = await broker.open();
  c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod(SCRAM), P.authenticationData(scram.clientFirst())) }));
  const challenge = await c.expectType(T.AUTH);
  expect(hex(challenge.subarray(2, 3))).toBe("18"); // v5 [MQTT-4.12.0-2] AUTH 0x18 Continue authentication
  expect(methodOf(challenge, 3)).toBe(SCRAM);
  c.send(auth(0x18, SCRAM, scram.clientFinal(dataOf(challenge, 3)!, options))); // v5 [MQTT-4.12.0-3]
  return [c, await c.expectType(T.CONNACK), scram];
}

describe("SCRAM-SHA-256 (RFC 7677)", () => {
  it("v5 [MQTT-4.12.0-5] success: CONNACK 0x00 with the method and a server signature the client verifies", async () => {
    const [c, connack, scram] = await scramLogin("wonderland");
    expect(hex(connack.subarray(2, 4))).toBe("00 00");
    expect(methodOf(connack, 4)).toBe(SCRAM);
    expect(scram.verifyServerFinal(dataOf(connack, 4)!)).toBe(true);
    c.send(publish(5, { topic: "t", qos: 1, packetId: 1, payload: "x" }));
    expect(hex(await c.expectType(T.PUBACK))).toBe("40 03 00 01 10"); // the session is live: accepted, 0x10 nobody subscribed
  });

  it("v5 [MQTT-4.12.0-4] a wrong password: CONNACK 0x87, then the close", async () => {
    const [c, connack] = await scramLogin("looking-glass");
    expect(hex(connack)).toBe("20 03 00 87 00");
    await c.expectClose();
  });

  it("a tampered proof and a replayed nonce are refused (0x87)", async () => {
    expect(hex((await scramLogin("wonderland", { tamper: true }))[1])).toBe("20 03 00 87 00");
    const first = new ScramClient("alice", "wonderland");
    const oldNonce = `${first.nonce}servernonceFromAnEarlierExchange`;
    expect(hex((await scramLogin("wonderland", { nonce: oldNonce }))[1])).toBe("20 03 00 87 00");
  });

  it("an unknown user gets a challenge like anyone else and fails at the proof", async () => {
    const scram = new ScramClient("mallory", "x");
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod(SCRAM), P.authenticationData(scram.clientFirst())) }));
    const challenge = await c.expectType(T.AUTH);
    expect(dataOf(challenge, 3)!.toString()).toMatch(/^r=.+,s=.+,i=4096$/);
    c.send(auth(0x18, SCRAM, scram.clientFinal(dataOf(challenge, 3)!)));
    expect(hex(await c.expectType(T.CONNACK))).toBe("20 03 00 87 00");
  });

  it("v5 [MQTT-4.12.1-1] re-authentication on a live connection: AUTH 0x19, 0x18, then AUTH 0x00 with the server signature", async () => {
    const [c] = await scramLogin("wonderland");
    const again = new ScramClient("alice", "wonderland");
    c.send(auth(0x19, SCRAM, again.clientFirst()));
    const challenge = await c.expectType(T.AUTH);
    expect(hex(challenge.subarray(2, 3))).toBe("18");
    c.send(auth(0x18, SCRAM, again.clientFinal(dataOf(challenge, 3)!)));
    const done = await c.expectType(T.AUTH);
    expect(hex(done.subarray(2, 3))).toBe("00");
    expect(again.verifyServerFinal(dataOf(done, 3)!)).toBe(true);
  });

  it("v5 [MQTT-4.12.1-2] a failed re-authentication: DISCONNECT 0x87 and the close", async () => {
    const [c] = await scramLogin("wonderland");
    const wrong = new ScramClient("alice", "nope");
    c.send(auth(0x19, SCRAM, wrong.clientFirst()));
    const challenge = await c.expectType(T.AUTH);
    c.send(auth(0x18, SCRAM, wrong.clientFinal(dataOf(challenge, 3)!)));
    await c.expectDisconnect(0x87);
  });
});

describe("authMethods: an embedder's multi-step async method", () => {
  it("v5 [MQTT-4.12.0-2] v5 [MQTT-4.12.0-3] continues with AUTH 0x18 until the method succeeds; its final data reaches the CONNACK", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod("riddle"), P.authenticationData(Buffer.from("hello"))) }));
    const challenge = await c.expectType(T.AUTH);
    expect(dataOf(challenge, 3)!.toString()).toBe("challenge");
    c.send(auth(0x18, "riddle", Buffer.from("42")));
    const connack = await c.expectType(T.CONNACK);
    expect(hex(connack.subarray(2, 4))).toBe("00 00");
    expect(dataOf(connack, 4)!.toString()).toBe("welcome");
  });

  it("v5 [MQTT-4.12.0-7] an AUTH with another method than the CONNECT's is a protocol error (0x82)", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod("riddle"), P.authenticationData(Buffer.from("hello"))) }));
    await c.expectType(T.AUTH);
    c.send(auth(0x18, SCRAM, Buffer.from("42")));
    expect(hex(await c.expectType(T.CONNACK))).toBe("20 03 00 82 00");
  });

  it("v5 [MQTT-3.1.2-30] a PUBLISH before the exchange ends is a protocol error (0x82)", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod("riddle"), P.authenticationData(Buffer.from("hello"))) }));
    await c.expectType(T.AUTH);
    c.send(publish(5, { topic: "early", payload: "x" }));
    expect(hex(await c.expectType(T.CONNACK))).toBe("20 03 00 82 00");
  });

  it("v5 [MQTT-3.15.2-1] an AUTH 0x00 from the client mid-exchange is a protocol error (0x82)", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod("riddle"), P.authenticationData(Buffer.from("hello"))) }));
    await c.expectType(T.AUTH);
    c.send(auth(0x00, "riddle"));
    expect(hex(await c.expectType(T.CONNACK))).toBe("20 03 00 82 00");
  });

  it("v5 [MQTT-4.12.0-1] a method nobody registered: CONNACK 0x8C", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id(), properties: props(P.authenticationMethod("KERBEROS")) }));
    expect(hex(await c.expectType(T.CONNACK))).toBe("20 03 00 8c 00");
  });

  it("anonymous clients are refused by default once an auth method is configured (0x87)", async () => {
    const c = await broker.open();
    c.send(connect({ level, clientId: id() }));
    expect(hex(await c.expectType(T.CONNACK))).toBe("20 03 00 87 00");
  });
});
