// Opening the lmdb store: a path that is a file, a damaged data.mdb, another format version are refused
// with the path and the reason (never a crash inside LMDB), a version 1 store is upgraded; --reset-store sets the
// old directory aside; one broker per directory (quarkmq.lock with its pid; a dead owner's lock taken over), in one
// process and across two.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "lmdb";
import { afterAll, describe, expect, it } from "vitest";
import { helpText, parseCommandLine } from "../../host/config/cli-args.ts";
import { loadConfig } from "../../host/config/load.ts";
import { setAsideDataDir, StoreOpenError } from "../../host/store/data-dir.ts";
import { LmdbStore } from "../../host/store/lmdb.ts";
import { LOCK_FILE, StoreLockedError } from "../../host/store/data-dir-lock.ts";
import { QuarkmqProcess, startQuarkmq } from "../helpers/quarkmq-process.ts";

const root = mkdtempSync(join(tmpdir(), "quarkmq-datadir-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function refusal(path: string): StoreOpenError {
  try {
    LmdbStore.open({ path });
  } catch (error) {
    expect(error).toBeInstanceOf(StoreOpenError);
    return error as StoreOpenError;
  }
  throw new Error("the store opened");
}

/** The format version the store at `path` records in its meta table. */
async function formatVersion(path: string): Promise<unknown> {
  const env = open({ path, maxDbs: 8 });
  const version = env.openDB({ name: "meta" }).get("formatVersion");
  await env.close();
  return version;
}

describe("lmdb data directory", () => {
  it("creates a missing directory and writes the format version", async () => {
    const path = join(root, "new", "data");
    const store = LmdbStore.open({ path });
    await store.close();
    expect(await formatVersion(path)).toBe(2);
  });

  it("refuses a path that is a file", () => {
    const path = join(root, "a-file");
    writeFileSync(path, "x");
    expect(refusal(path).message).toBe(`cannot open the store in ${path}: it exists and is not a directory`);
  });

  it("refuses a damaged data.mdb without opening it", () => {
    const path = join(root, "garbage");
    mkdirSync(path);
    writeFileSync(join(path, "data.mdb"), "not lmdb ".repeat(2000));
    expect(refusal(path).reason).toBe("data.mdb has no LMDB header (damaged, or not a quarkmq store)");
    writeFileSync(join(path, "data.mdb"), "short");
    expect(refusal(path).reason).toBe("data.mdb is 5 bytes, too short for an LMDB file (damaged?)");
  });

  it("refuses another format version, and an lmdb file that is not a quarkmq store", async () => {
    const other = join(root, "v99");
    const env = open({ path: other, maxDbs: 8 });
    await env.openDB({ name: "meta" }).put("formatVersion", 99);
    await env.close();
    expect(refusal(other).reason).toBe("format version 99, this quarkmq reads version 2");
    const foreign = join(root, "foreign");
    const plain = open({ path: foreign, maxDbs: 8 });
    await plain.openDB({ name: "sessions" }).put("x", 1);
    await plain.close();
    expect(refusal(foreign).reason).toBe("it holds data but no quarkmq format version");
  });

  it("upgrades a version 1 store once: its msgpack retained records are rewritten, its sessions kept", async () => {
    const path = join(root, "v1");
    const env = open({ path, maxDbs: 8 });
    const structures = Symbol.for("structures"); // what version 1 opened every table with
    await env.openDB({ name: "meta", sharedStructuresKey: structures }).put("formatVersion", 1);
    const retained = env.openDB({ name: "retained", sharedStructuresKey: structures });
    await retained.put("r/1", { topicName: "r/1", payload: Buffer.from("one"), qos: 1, retain: true, properties: undefined, expiresAt: 0 });
    await retained.put("r/2", { topicName: "r/2", payload: Buffer.from("two"), qos: 2, retain: true,
      properties: { contentType: "text", correlationData: Buffer.from([1, 2]) }, expiresAt: 9e12 });
    await retained.put("r/old", { topicName: "r/old", payload: Buffer.from("x"), qos: 0, retain: true, properties: undefined, expiresAt: 5 });
    await env.openDB({ name: "sessions", sharedStructuresKey: structures }).put("c", { clientId: "c", expiryInterval: 0xffffffff,
      subscriptions: [{ topicFilter: "a/#", options: 1, subscriptionId: 0 }], will: undefined, disconnectedAt: 1000 });
    await env.close();
    for (let round = 0; round < 2; round++) { // the second open reads what the first one rewrote
      const store = LmdbStore.open({ path });
      const state = await store.load(Date.now());
      const messages = [...state.retained].map(({ bytes, topicOffset, topicLength, payloadOffset, payloadLength, qos, properties, expiresAt }) =>
        [bytes.toString("utf8", topicOffset, topicOffset + topicLength), bytes.toString("utf8", payloadOffset, payloadOffset + payloadLength), qos, properties, expiresAt]);
      expect(messages).toEqual([["r/1", "one", 1, undefined, 0],
        ["r/2", "two", 2, { contentType: "text", correlationData: Buffer.from([1, 2]) }, 9e12]]);
      expect(state.purged.retained).toBe(round === 0 ? 1 : 0);
      expect(state.sessions.map(({ session }) => session.subscriptions)).toEqual([[{ topicFilter: "a/#", options: 1, subscriptionId: 0 }]]);
      await store.close();
    }
    expect(await formatVersion(path)).toBe(2);
  });

  it("--reset-store renames the old directory with a timestamp and keeps its files", () => {
    const path = join(root, "reset");
    mkdirSync(path);
    writeFileSync(join(path, "data.mdb"), "old");
    const target = setAsideDataDir(path, new Date("2026-12-07T10:00:00.000Z"))!;
    expect(target).toBe(`${path}.2026-12-07T10-00-00-000Z`);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(target)).toEqual(["data.mdb"]);
    expect(setAsideDataDir(path)).toBeUndefined();
  });
});

describe("one broker per data directory", { timeout: 60_000 }, () => {
  /** The pid of a process that has exited (its lock is stale). */
  const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

  it("a second store in the same process is refused until the first closes; the lock file holds the pid", async () => {
    const path = join(root, "locked");
    const first = LmdbStore.open({ path });
    expect(readFileSync(join(path, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    const second = refusal(path);
    expect(second).toBeInstanceOf(StoreLockedError);
    expect(second.message).toBe(`cannot open the store in ${path}: another broker in this process uses it`);
    await first.close();
    expect(existsSync(join(path, LOCK_FILE))).toBe(false);
    await LmdbStore.open({ path }).close();
  });

  it("takes over a lock left by a process that is gone, and one with this pid not held here (a reused pid)", async () => {
    const path = join(root, "stale");
    await LmdbStore.open({ path }).close();
    for (const pid of [deadPid(), process.pid]) {
      writeFileSync(join(path, LOCK_FILE), `${pid}\n`);
      const store = LmdbStore.open({ path });
      expect(readFileSync(join(path, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
      await store.close();
    }
  });

  it("a second quarkmq on the same --data-dir exits 1 naming the first one's pid; --reset-store will not move it either", async () => {
    const dataDir = join(root, "two-processes");
    const { broker: first } = await startQuarkmq(["--port", "0", "--data-dir", dataDir]);
    try {
      for (const extra of [[], ["--reset-store"]]) {
        const second = new QuarkmqProcess(["--port", "0", "--data-dir", dataDir, ...extra]);
        expect((await second.exited).code).toBe(1);
        expect(second.stderr).toContain(`another quarkmq (pid ${first.child.pid}) uses it; stop that one or give this one its own data directory`);
      }
      expect(existsSync(dataDir)).toBe(true);
    } finally {
      expect((await first.stop("SIGTERM")).code).toBe(0);
    }
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false); // a clean stop gives the lock back
    const { broker: third } = await startQuarkmq(["--port", "0", "--data-dir", dataDir]);
    await third.stop("SIGKILL");
    const { broker: fourth } = await startQuarkmq(["--port", "0", "--data-dir", dataDir]); // after a SIGKILL: stale, taken over
    await fourth.stop("SIGTERM");
  });
});

describe("persistence flags", () => {
  it("--no-persistence, --persistence, --data-dir, QUARKMQ_DATA_DIR and --reset-store", () => {
    const off = parseCommandLine(["--no-persistence"]);
    expect(loadConfig({ flags: off.flags, env: {} }).options.persistence).toBe(false);
    expect(loadConfig({ env: {} }).options).toMatchObject({ persistence: true, dataDir: "./quarkmq-data" });
    expect(loadConfig({ flags: parseCommandLine(["--data-dir", "/var/lib/q"]).flags, env: {} }).options.dataDir).toBe("/var/lib/q");
    expect(loadConfig({ env: { QUARKMQ_DATA_DIR: "/srv/q", QUARKMQ_PERSISTENCE: "no" } }).options).toMatchObject({ dataDir: "/srv/q", persistence: false });
    expect(parseCommandLine(["--reset-store"]).resetStore).toBe(true);
    expect(parseCommandLine([]).resetStore).toBe(false);
    expect(helpText()).toContain("--no-persistence");
    expect(helpText()).toContain("--reset-store");
  });
});
