// Wills restored from the lmdb store meet the ACL and the authorizePublish hooks when they are sent, as their
// client's, like a live one: after a restart with a new ACL file or acl.denyPublish, after a SIGHUP that revokes the
// right, and when the will fell due while the broker was down. An allowed will is delivered; a denied one is not.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IClientOptions } from "mqtt";
import { describe, expect, it } from "vitest";
import { connectClient, until } from "../helpers/child-broker.ts";
import { storeTestBed } from "../helpers/store-test-bed.ts";
import { startQuarkmq, type QuarkmqProcess } from "../helpers/quarkmq-process.ts";

const { root, clients, processes } = storeTestBed("quarkmq-will-acl-");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Both may leave a will on their own topic; `revoked` lists who may not any more. */
function aclText(revoked: string[] = []): string {
  const grant = (user: string) => `user ${user}\n${revoked.includes(user) ? "" : `topic write will/${user}\n`}`;
  return `${grant("alice")}\n${grant("mallory")}\nuser watcher\ntopic read will/#\n`;
}

/** A data directory with a config file (users alice, mallory, watcher; the ACL file next to it). */
function setup(name: string): { config: string; acl: string; dataDir: string } {
  const dir = join(root, name);
  const dataDir = join(dir, "data");
  const acl = join(root, `${name}.acl`);
  const config = join(root, `${name}.yaml`);
  writeFileSync(acl, aclText());
  writeFileSync(config, [
    "users:", "  - { username: alice, password: a }", "  - { username: mallory, password: m }", "  - { username: watcher, password: w }",
    `aclFile: ${acl}`, "",
  ].join("\n"));
  return { config, acl, dataDir };
}

async function start(config: string, dataDir: string): Promise<{ broker: QuarkmqProcess; port: number }> {
  const started = await startQuarkmq(["--config", config, "--port", "0", "--data-dir", dataDir]);
  processes.push(started.broker);
  return started;
}

const user = (username: string, extra: IClientOptions = {}): IClientOptions =>
  ({ clientId: username, username, password: username[0], protocolVersion: 5, ...extra });

/** alice and mallory connect with a persistent session and a will on their topic, delayed by `delay` seconds. */
async function leaveWills(port: number, delay: number, sessionExpiryInterval = 60): Promise<void> {
  for (const name of ["alice", "mallory"]) {
    const client = await connectClient(port, user(name, { clean: false, properties: { sessionExpiryInterval },
      will: { topic: `will/${name}`, payload: Buffer.from(`${name} gone`), qos: 1, retain: false, properties: { willDelayInterval: delay } } }));
    clients.push(client);
  }
}

/** The watcher's persistent subscription to will/#, made before the crash; returns what it receives after. */
async function watch(port: number): Promise<void> {
  const watcher = await connectClient(port, user("watcher", { clean: false, properties: { sessionExpiryInterval: 3600 } }));
  await watcher.subscribeAsync("will/#", { qos: 1 });
  await watcher.endAsync();
}

/** The watcher reconnects and must receive the will on `expected` and, in the half second after, nothing else. */
async function expectOnlyWill(port: number, expected: string): Promise<void> {
  const got: string[] = [];
  clients.push(await connectClient(port, user("watcher", { clean: false, properties: { sessionExpiryInterval: 3600 } }),
    (topic) => got.push(topic)));
  await until(`the will on ${expected}`, () => got.includes(expected), 10_000);
  await sleep(500); // the wills fell due together: a denied one would have come with the allowed one
  expect(got).toEqual([expected]);
}

describe("wills restored from the store meet the ACL when they are sent", { timeout: 60_000 }, () => {
  it("[MQTT-3.1.2-8] after a restart with an ACL that no longer grants it, a restored will is not sent; an allowed one is", async () => {
    const { config, acl, dataDir } = setup("restart");
    let { broker, port } = await start(config, dataDir);
    await watch(port);
    await leaveWills(port, 2);
    await sleep(200); // the session records (with the wills) are committed
    await broker.stop("SIGKILL");
    writeFileSync(acl, aclText(["mallory"]));
    ({ broker, port } = await start(config, dataDir));
    await expectOnlyWill(port, "will/alice");
  });

  it("the authorizePublish hooks check a restored will too: a restart with acl.denyPublish on its topic stops it", async () => {
    const { config, dataDir } = setup("deny-publish");
    let { broker, port } = await start(config, dataDir);
    await watch(port);
    await leaveWills(port, 2);
    await sleep(200);
    await broker.stop("SIGKILL");
    writeFileSync(config, `${readFileSync(config, "utf8")}acl: { denyPublish: [will/mallory] }\n`);
    ({ broker, port } = await start(config, dataDir));
    await expectOnlyWill(port, "will/alice");
  });

  it("a SIGHUP after the restart that revokes the right stops the restored will", async () => {
    const { config, acl, dataDir } = setup("sighup");
    let { broker, port } = await start(config, dataDir);
    await watch(port);
    await leaveWills(port, 3);
    await sleep(200);
    await broker.stop("SIGKILL");
    ({ broker, port } = await start(config, dataDir));
    writeFileSync(acl, aclText(["alice"]));
    const before = broker.logs.length;
    broker.child.kill("SIGHUP");
    await broker.waitForLog((l) => broker.logs.indexOf(l) >= before && l.msg === "ACL file reloaded", 10_000);
    await expectOnlyWill(port, "will/mallory");
  });

  it("[MQTT-3.1.2-8] a will that fell due while the broker was down is checked as its client's at the restart", async () => {
    const { config, acl, dataDir } = setup("due");
    let { broker, port } = await start(config, dataDir);
    await watch(port);
    await leaveWills(port, 1, 1);
    for (const client of clients.splice(0)) client.stream.destroy(); // no DISCONNECT: the wills wait for their delay
    await sleep(250);
    await broker.stop("SIGKILL");
    await sleep(1200); // sessions and delays run out while the broker is down
    writeFileSync(acl, aclText(["mallory"]));
    ({ broker, port } = await start(config, dataDir));
    await expectOnlyWill(port, "will/alice");
  });
});
