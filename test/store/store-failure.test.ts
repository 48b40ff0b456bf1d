// A store that cannot be opened stops the start with its path and the reason (--reset-store sets it aside);
// a store that cannot write (a file size limit: the disk is "full") refuses the publishes it could not keep
// (v5 PUBACK 0x80, 3.1.1 closes), logs it, keeps serving QoS 0, and never acknowledged what it did not store.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectClient, until } from "../helpers/child-broker.ts";
import { storeTestBed } from "../helpers/store-test-bed.ts";
import { QuarkmqProcess, startQuarkmq } from "../helpers/quarkmq-process.ts";

const { root, clients, processes } = storeTestBed("quarkmq-store-failure-");

async function refusedStart(dataDir: string): Promise<QuarkmqProcess> {
  const broker = new QuarkmqProcess(["--port", "0", "--data-dir", dataDir]);
  processes.push(broker);
  expect(await broker.exited).toEqual({ code: 1, signal: null });
  return broker;
}

describe("a store that cannot be opened", () => {
  it("a file where the data directory should be: exit 1 with the path and the reason", async () => {
    const path = join(root, "a-file");
    writeFileSync(path, "x");
    const broker = await refusedStart(path);
    expect(broker.stderr).toContain(`quarkmq: cannot open the store in ${path}: it exists and is not a directory`);
    expect(broker.logs.find((l) => l.msg === "cannot open the store")).toMatchObject({ dataDir: path, reason: "it exists and is not a directory" });
  }, 30_000);

  it("a damaged store refuses to start; --reset-store renames it with a timestamp and starts empty", async () => {
    const path = join(root, "damaged");
    mkdirSync(path);
    writeFileSync(join(path, "data.mdb"), "not an lmdb file ".repeat(1000));
    const refused = await refusedStart(path);
    expect(refused.stderr).toContain("data.mdb has no LMDB header (damaged, or not a quarkmq store)");
    expect(refused.stderr).toContain("--reset-store");
    const { broker } = await startQuarkmq(["--port", "0", "--data-dir", path, "--reset-store"]);
    processes.push(broker);
    const setAside = broker.logs.find((l) => l.msg === "--reset-store: the old store was set aside")!;
    expect(setAside.renamedTo).toMatch(/damaged\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    expect(readdirSync(setAside.renamedTo as string)).toEqual(["data.mdb"]);
    expect(existsSync(join(path, "data.mdb"))).toBe(true); // a fresh store
  }, 30_000);
});

describe("a store that cannot write (file size limit)", () => {
  it("v5 PUBACK 0x80 for what was not stored, 3.1.1 closes, QoS 0 flows, and every acknowledged message survives", async () => {
    const dataDir = join(root, "full");
    // ulimit -f counts 512-byte blocks in sh: data.mdb cannot grow past 3 MiB; SIGXFSZ ignored, so writes fail with EFBIG.
    const limited = new QuarkmqProcess(["--port", "0", "--data-dir", dataDir], {}, "trap '' XFSZ; ulimit -f 6144");
    processes.push(limited);
    const port = await limited.listening();
    const offline = await connectClient(port, { clientId: "offline", protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } });
    await offline.subscribeAsync("f/#", { qos: 1 });
    await offline.endAsync();
    const q0: string[] = [];
    const live = await connectClient(port, { clientId: "live" }, (_topic, payload) => q0.push(payload.toString()));
    clients.push(live);
    await live.subscribeAsync("z/#", { qos: 0 });
    const publisher = await connectClient(port, { clientId: "filler", protocolVersion: 5 });
    clients.push(publisher);
    const acked: number[] = [];
    let refusal: { code?: number } | undefined;
    const payload = Buffer.alloc(48 * 1024, 7);
    for (let n = 0; n < 400 && refusal === undefined; n++) {
      try {
        await publisher.publishAsync("f/1", Buffer.concat([Buffer.from(`${n}:`), payload]), { qos: 1 });
        acked.push(n);
      } catch (error) {
        refusal = error as { code?: number };
      }
    }
    expect(refusal?.code).toBe(0x80);
    expect(acked.length).toBeGreaterThan(0);
    await limited.waitForLog((l) => l.msg === "store commit failed: the publishes in it are refused" && l.path === dataDir);

    publisher.publish("z/1", "still flowing", { qos: 0 });
    await until("QoS 0 delivery", () => q0.includes("still flowing"));

    const old = await connectClient(port, { clientId: "old-client", protocolVersion: 4 });
    clients.push(old);
    const closed = new Promise<void>((resolve) => old.once("close", () => resolve()));
    let pubacked = false;
    old.publish("f/1", Buffer.concat([Buffer.from("x:"), payload, payload]), { qos: 1 }, (error) => { pubacked = error === undefined; });
    await closed; // 3.1.1 has no PUBACK failure code: the connection is closed instead
    expect(pubacked).toBe(false);

    await limited.stop("SIGKILL");
    const { broker, port: again } = await startQuarkmq(["--port", "0", "--data-dir", dataDir]);
    processes.push(broker);
    const received = new Set<number>();
    const back = await connectClient(again, { clientId: "offline", protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } },
      (_topic, p) => received.add(Number(p.subarray(0, p.indexOf(0x3a)).toString())));
    clients.push(back);
    await until("every acknowledged message", () => acked.every((n) => received.has(n)), 20_000);
  }, 60_000);
});
