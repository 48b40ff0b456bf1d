// SIGHUP on the real binary: the password file and the ACL file are re-read without dropping a connection; a
// revoked subscription stops receiving at once; a file that fails to parse keeps the old one and is logged
// with file and line.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { binPath, startQuarkmq, type QuarkmqProcess } from "../helpers/quarkmq-process.ts";
import { SpecClient as RawClient } from "../spec/support/spec-client.ts";
import { connect, hex, pingreq, pingresp, publish, subscribe, suback, T } from "../helpers/packets.ts";

const dir = mkdtempSync(join(tmpdir(), "quarkmq-reload-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const passwordFile = join(dir, "users.passwd");
const aclFile = join(dir, "broker.acl");
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QUARKMQ_")));
const passwd = (...args: string[]) => expect(spawnSync(process.execPath, [binPath, "passwd", ...args], { env, timeout: 20_000 }).status).toBe(0);

async function login(port: number, username: string, password: string, clientId = `${username}-${Math.random()}`): Promise<[RawClient, string]> {
  const c = await RawClient.open(port);
  c.send(connect({ level: 5, clientId, username, password: Buffer.from(password) }));
  const ack = await c.expectType(T.CONNACK);
  return [c, hex(ack.subarray(3, 4))];
}

async function reloaded(broker: QuarkmqProcess, marker: string): Promise<void> {
  const before = broker.logs.length;
  broker.child.kill("SIGHUP");
  await broker.waitForLog((l) => broker.logs.indexOf(l) >= before && l.msg.includes(marker), 10_000);
}

describe("SIGHUP reload", { timeout: 90_000 }, () => {
  it("revokes a live subscription, changes passwords, keeps connections; a broken file keeps the old rules", async () => {
    passwd("-c", "-b", passwordFile, "alice", "a1");
    passwd("-b", passwordFile, "admin", "root");
    writeFileSync(aclFile, "user alice\ntopic read a/#\ntopic read b/#\n\nuser admin\ntopic readwrite #\n");
    const config = join(dir, "broker.yaml");
    writeFileSync(config, `tcp: { port: 0 }\npasswordFile: ${passwordFile}\naclFile: ${aclFile}\n`);
    const { broker, port } = await startQuarkmq(["--config", config]);
    const open: RawClient[] = [];
    try {
      expect(broker.logs.some((l) => l.msg === "clients without a username are refused")).toBe(true);
      const [alice, ok] = await login(port, "alice", "a1");
      const [admin] = await login(port, "admin", "root");
      open.push(alice, admin);
      expect(ok).toBe("00");
      alice.send(subscribe(5, 1, [["a/#", 0], ["b/#", 0]]));
      await alice.expect(suback(5, 1, [0, 0]));
      admin.send(publish(5, { topic: "a/one", payload: "before" }));
      expect((await alice.expectType(T.PUBLISH)).toString("latin1")).toContain("before");

      writeFileSync(aclFile, "user alice\ntopic read b/#\n\nuser admin\ntopic readwrite #\n");
      passwd("-b", passwordFile, "alice", "a2");
      await reloaded(broker, "ACL file reloaded");
      admin.send(publish(5, { topic: "a/one", payload: "after" }));
      admin.send(publish(5, { topic: "b/one", payload: "still" }));
      const got = (await alice.collect(500)).map((p) => p.toString("latin1"));
      expect(got.some((p) => p.includes("after"))).toBe(false); // the revoked a/# stops receiving
      expect(got.some((p) => p.includes("still"))).toBe(true);
      alice.send(pingreq());
      await alice.expect(pingresp()); // the connection stayed up
      expect((await login(port, "alice", "a1"))[1]).toBe("86");
      const [again, code] = await login(port, "alice", "a2");
      open.push(again);
      expect(code).toBe("00");

      writeFileSync(aclFile, "user alice\ntopic read b/#\ntopic sideways c/#\nbogus line\n");
      await reloaded(broker, "ACL file not reloaded");
      const error = broker.logs.find((l) => l.msg.includes("ACL file not reloaded"))!;
      expect(error.msg).toContain(`${aclFile}:4:`);
      admin.send(publish(5, { topic: "b/two", payload: "old rules" }));
      expect((await alice.expectType(T.PUBLISH)).toString("latin1")).toContain("old rules");
    } finally {
      for (const c of open) c.close();
      await broker.stop();
    }
  });
});
