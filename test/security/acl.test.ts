// The ACL file over real sockets: publish and subscribe allowed and denied (exact acknowledgement bytes, 3.1.1
// and 5.0), wildcard escalation, hostile %u / %c, retained messages and wills that would leak, $SYS, and the
// authorize hooks seeing (and overriding) the ACL's decision.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type TestBroker } from "../spec/support/broker.ts";
import { uniqueId } from "../spec/support/ids.ts";
import type { PublishEvent } from "../../host/index.ts";
import { ack, connect, hex, publish, subscribe, suback, T } from "../helpers/packets.ts";
import type { SpecClient as RawClient } from "../spec/support/spec-client.ts";

const dir = mkdtempSync(join(tmpdir(), "quarkmq-acl-"));
const aclFile = join(dir, "broker.acl");
writeFileSync(aclFile, `# anonymous clients
topic read public/#

user alice
topic readwrite a/+
topic read b/#
topic deny b/secret
topic write will/alice

user bob
topic read #

user admin
topic readwrite #
topic readwrite $SYS/#

pattern readwrite devices/%c/#
pattern read inbox/%u
`);

let broker: TestBroker;
let hooked: TestBroker;
const willEvents: PublishEvent[] = [];
beforeAll(async () => {
  broker = await startBroker({ aclFile, hooks: { authenticate: () => true } });
  hooked = await startBroker({
    aclFile,
    hooks: {
      authenticate: () => true,
      authorizeSubscribe: ({ topicFilter, aclDecision }) => (topicFilter === "override/x" ? true : aclDecision ?? false),
      authorizePublish: (event) => {
        if (event.will === true) willEvents.push(event);
        return event.topicName === "a/vetoed" ? 0x87 : event.aclDecision ?? false;
      },
    },
  });
});
afterAll(async () => {
  await broker.stop();
  await hooked.stop();
  rmSync(dir, { recursive: true, force: true });
});

const id = uniqueId("acl");
const as = (b: TestBroker, level: 4 | 5, username?: string, clientId = id()) => b.connected({ level, clientId, username, password: username ? Buffer.from("x") : undefined });

async function subscribeCodes(c: RawClient, level: 4 | 5, filters: string[], packetId = 1): Promise<string> {
  c.send(subscribe(level, packetId, filters.map((f) => [f, 1])));
  const reply = await c.expectType(T.SUBACK);
  return hex(reply.subarray(level === 5 ? 5 : 4));
}

/** An admin watching `filter` (granted QoS 1) and alice, both connected at `level`. */
async function adminWatchingAlice(level: 4 | 5, filter: string): Promise<{ watcher: RawClient; alice: RawClient }> {
  const watcher = await as(broker, level, "admin");
  expect(await subscribeCodes(watcher, level, [filter])).toBe("01");
  return { watcher, alice: await as(broker, level, "alice") };
}

describe("ACL file: publish", () => {
  it("v5: an allowed PUBLISH is acknowledged 0x00, a denied one PUBACK/PUBREC 0x87 and not delivered", async () => {
    const { watcher, alice } = await adminWatchingAlice(5, "#");
    alice.send(publish(5, { topic: "a/ok", qos: 1, packetId: 1, payload: "yes" }));
    await alice.expect(ack(T.PUBACK, 5, 1));
    alice.send(publish(5, { topic: "b/read-only", qos: 1, packetId: 2, payload: "no" }));
    await alice.expect(ack(T.PUBACK, 5, 2, 0x87));
    alice.send(publish(5, { topic: "a/x/deeper", qos: 2, packetId: 3, payload: "no" }));
    await alice.expect(ack(T.PUBREC, 5, 3, 0x87));
    const seen = (await watcher.collect(400)).filter((p) => (p[0]! & 0xf0) === T.PUBLISH).map((p) => p.toString("latin1"));
    expect(seen.some((p) => p.includes("a/ok"))).toBe(true);
    expect(seen.some((p) => p.includes("read-only") || p.includes("deeper"))).toBe(false);
  });

  it("[MQTT-3.3.5-2] 3.1.1: a denied PUBLISH is acknowledged as usual and dropped", async () => {
    const { watcher, alice } = await adminWatchingAlice(4, "b/#");
    alice.send(publish(4, { topic: "b/x", qos: 1, packetId: 7, payload: "dropped" }));
    await alice.expect(ack(T.PUBACK, 4, 7));
    await watcher.expectSilence(400);
  });

  it("anonymous clients get the lines before any user; deny by default everywhere else", async () => {
    const anon = await as(broker, 5);
    expect(await subscribeCodes(anon, 5, ["public/#", "a/+"])).toBe("01 87");
    anon.send(publish(5, { topic: "public/x", qos: 1, packetId: 1, payload: "no" }));
    await anon.expect(ack(T.PUBACK, 5, 1, 0x87));
  });
});

describe("ACL file: subscribe", () => {
  it("v5 SUBACK 0x87 and 3.1.1 0x80 for denied filters; wildcards only where everything they match is readable", async () => {
    const v5 = await as(broker, 5, "alice");
    // a/+ and b/open granted; # a/# +/secret b/# b/+ reach beyond the grants or meet `deny b/secret`
    expect(await subscribeCodes(v5, 5, ["a/+", "b/open", "#", "a/#", "+/secret", "b/#", "b/+", "b/secret", "$share/g/a/+"])).toBe("01 01 87 87 87 87 87 87 01");
    const v4 = await as(broker, 4, "alice");
    expect(await subscribeCodes(v4, 4, ["a/+", "#", "+/+"])).toBe("01 80 80");
  });

  it("$SYS/# is readable only where granted: `read #` does not reach $ topics", async () => {
    const bob = await as(broker, 5, "bob");
    expect(await subscribeCodes(bob, 5, ["#", "$SYS/#", "$SYS/broker/uptime", "+/x"])).toBe("01 87 87 01");
    const admin = await as(broker, 5, "admin");
    expect(await subscribeCodes(admin, 5, ["$SYS/#"])).toBe("01");
  });

  it("%c / %u patterns: a client id or username holding '/', '+' or '#' gets nothing from them", async () => {
    const plain = await as(broker, 5, "carol", "dev1");
    expect(await subscribeCodes(plain, 5, ["devices/dev1/#", "inbox/carol", "devices/dev2/#", "devices/+/#"])).toBe("01 01 87 87");
    for (const hostile of ["+", "#", "dev1/#", "x/../dev1"]) {
      const c = await as(broker, 5, "carol", hostile);
      expect(await subscribeCodes(c, 5, ["devices/+/#", "devices/#", "devices/dev1/#"]), hostile).toBe("87 87 87");
      c.send(publish(5, { topic: "devices/dev1/cmd", qos: 1, packetId: 2, payload: "x" }));
      await c.expect(ack(T.PUBACK, 5, 2, 0x87));
    }
    for (const hostile of ["+", "a/b", "#"]) {
      const c = await as(broker, 5, hostile);
      expect(await subscribeCodes(c, 5, ["inbox/+", "inbox/#"]), hostile).toBe("87 87");
    }
  });
});

describe("ACL file: what would leak", () => {
  it("retained messages go only to an allowed subscription, and only those it may read", async () => {
    const admin = await as(broker, 5, "admin");
    for (const [i, topic] of ["b/secret", "b/open", "a/r"].entries()) {
      admin.send(publish(5, { topic, qos: 1, packetId: i + 1, retain: true, payload: `retained ${topic}` }));
      await admin.expectType(T.PUBACK);
    }
    const alice = await as(broker, 5, "alice");
    alice.send(subscribe(5, 1, [["#", 0], ["b/#", 0], ["b/+", 0]]));
    await alice.expect(suback(5, 1, [0x87, 0x87, 0x87]));
    await alice.expectSilence(300);
    alice.send(subscribe(5, 2, [["b/open", 0], ["a/+", 0]]));
    await alice.expect(suback(5, 2, [0, 0]));
    const got = (await alice.collect(400)).map((p) => p.toString("latin1"));
    expect(got.filter((p) => p.includes("retained")).length).toBe(2);
    expect(got.some((p) => p.includes("b/secret"))).toBe(false);
  });

  it("a will to a topic its client may not write is not published when the connection drops", async () => {
    const bob = await as(broker, 5, "bob");
    expect(await subscribeCodes(bob, 5, ["secret/#", "will/#"])).toBe("01 01");
    const denied = await broker.open();
    denied.send(connect({ level: 5, clientId: id(), username: "alice", password: Buffer.from("x"), will: { topic: "secret/will", payload: Buffer.from("leak") } }));
    await denied.expectType(T.CONNACK);
    const allowed = await broker.open();
    allowed.send(connect({ level: 5, clientId: id(), username: "alice", password: Buffer.from("x"), will: { topic: "will/alice", payload: Buffer.from("fine") } }));
    await allowed.expectType(T.CONNACK);
    denied.close();
    allowed.close();
    const got = (await bob.collect(600)).map((p) => p.toString("latin1"));
    expect(got.some((p) => p.includes("fine"))).toBe(true);
    expect(got.some((p) => p.includes("leak"))).toBe(false);
  });
});

describe("ACL file and the authorize hooks", () => {
  it("the hooks see the ACL's decision and may override it either way", async () => {
    const alice = await as(hooked, 5, "alice");
    expect(await subscribeCodes(alice, 5, ["b/open", "override/x", "#"])).toBe("01 01 87");
    alice.send(publish(5, { topic: "a/vetoed", qos: 1, packetId: 1, payload: "x" }));
    await alice.expect(ack(T.PUBACK, 5, 1, 0x87));
    alice.send(publish(5, { topic: "a/fine", qos: 1, packetId: 2, payload: "x" }));
    await alice.expect(ack(T.PUBACK, 5, 2, 0x10)); // accepted (not 0x87); 0x10: nobody subscribed to a/fine
  });

  it("a will meets authorizePublish too when it is sent: the hook sees will: true and the ACL's decision, and may veto it", async () => {
    const bob = await as(hooked, 5, "bob");
    expect(await subscribeCodes(bob, 5, ["a/#"])).toBe("01");
    const wills: RawClient[] = [];
    for (const topic of ["a/vetoed", "a/will"]) {
      const c = await hooked.open();
      c.send(connect({ level: 5, clientId: id(), username: "alice", password: Buffer.from("x"), will: { topic, payload: Buffer.from(topic) } }));
      await c.expectType(T.CONNACK);
      wills.push(c);
    }
    for (const c of wills) c.close();
    const got = (await bob.collect(600)).map((p) => p.toString("latin1"));
    expect(got.some((p) => p.includes("a/will"))).toBe(true);
    expect(got.some((p) => p.includes("a/vetoed"))).toBe(false);
    expect(willEvents.map((e) => [e.topicName, e.aclDecision, e.client?.username]).sort()).toEqual([["a/vetoed", true, "alice"], ["a/will", true, "alice"]]);
  });
});
