// Who may connect, with a password file: wrong password, unknown user, no credentials, anonymous refused by
// default once users exist (exact CONNACK bytes, 3.1.1 and 5.0), and brute force: refusals from one address
// come slower and slower (capped), counted, while a right password from the same machine is answered at once.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../host/config/load.ts";
import { hashPassword } from "../../host/config/password-hash.ts";
import { createBroker, type Broker } from "../../host/index.ts";
import { SpecClient as RawClient } from "../spec/support/spec-client.ts";
import { connect, hex } from "../helpers/packets.ts";

const dir = mkdtempSync(join(tmpdir(), "quarkmq-authn-"));
let broker: Broker;
let port: number;
beforeAll(async () => {
  writeFileSync(join(dir, "users.passwd"), `alice:${await hashPassword("right")}\n`);
  writeFileSync(join(dir, "broker.yaml"), "passwordFile: users.passwd\n");
});
/** Each test gets its own broker, so failures counted by one do not slow the next. */
beforeEach(async () => {
  const { options } = loadConfig({ configPath: join(dir, "broker.yaml"), env: {} });
  broker = await createBroker({ ...options, tcp: { host: "127.0.0.1", port: 0 }, logLevel: "silent" });
  port = (await broker.listen()).port;
});
afterEach(() => broker.close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function attempt(level: 4 | 5, username?: string, password?: string): Promise<{ reply: string; ms: number }> {
  const c = await RawClient.open(port);
  const began = Date.now();
  c.send(connect({ level, clientId: `c${Math.random()}`, username, password: password === undefined ? undefined : Buffer.from(password) }));
  const reply = hex((await c.nextPacket(8000)) ?? Buffer.alloc(0));
  c.close();
  return { reply, ms: Date.now() - began };
}

describe("password file logins", { timeout: 60_000 }, () => {
  it("v3.1.1 [MQTT-3.2.2-5] refusals carry the exact code: wrong password, unknown user, no credentials (anonymous off by default)", async () => {
    expect((await attempt(4, "alice", "right")).reply).toBe("20 02 00 00");
    expect((await attempt(5, "alice", "right")).reply).toMatch(/^20 .. 00 00/);
    expect((await attempt(4, "alice", "wrong")).reply).toBe("20 02 00 04");
    expect((await attempt(5, "alice", "wrong")).reply).toBe("20 03 00 86 00");
    expect((await attempt(4, "mallory", "right")).reply).toBe("20 02 00 04");
    expect((await attempt(5, "mallory", "right")).reply).toBe("20 03 00 86 00");
    expect((await attempt(4)).reply).toBe("20 02 00 05");
    expect((await attempt(5)).reply).toBe("20 03 00 87 00");
  });

  it("brute force from one address is slowed (growing, capped delay) and counted; a right password is not held back", async () => {
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) delays.push((await attempt(5, "alice", `guess-${i}`)).ms);
    expect(delays[5]!).toBeGreaterThan(delays[0]! + 2500); // 100 ms doubling: 3.2 s at the sixth
    expect(delays[6]!).toBeLessThan(6000); // the seventh would be 6.4 s: capped at 5 s
    expect(broker.security.counters.loginFailures).toBe(7);
    const guessing = attempt(5, "alice", "guess-again"); // held for seconds now
    const honest = await attempt(5, "alice", "right");
    expect(honest.reply).toMatch(/^20 .. 00 00/);
    expect(honest.ms).toBeLessThan(1500); // scrypt takes its time; the throttle adds nothing
    expect((await guessing).ms).toBeGreaterThan(honest.ms);
  });
});
