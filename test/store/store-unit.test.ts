// The store itself, the same cases for the memory and the lmdb implementation: what is written comes back
// from load() after a reopen, a message is stored once and goes with its last reference, and load()
// purges what expired and what a crash left unreferenced.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LmdbStore } from "../../host/store/lmdb.ts";
import { MemoryStore } from "../../host/store/memory.ts";
import type { RestoredRetained, StorableMessage, Store, StoredMessage, StoredSession } from "../../host/store/store.ts";

const dirs: string[] = [];
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

interface Kind {
  name: string;
  /** A fresh store, and how to get the same store back as after a restart. */
  create(): { store: Store; reopen(store: Store): Promise<Store> };
}

const kinds: Kind[] = [
  { name: "memory", create: () => ({ store: new MemoryStore(), reopen: async (store) => store }) },
  {
    name: "lmdb",
    create: () => {
      const path = join(mkdtempSync(join(tmpdir(), "quarkmq-store-")), "data");
      dirs.push(path.slice(0, -5));
      return { store: LmdbStore.open({ path }), reopen: async (store) => { await store.close(); return LmdbStore.open({ path }); } };
    },
  },
];

function message(topicName: string, payload: string, expiresAt = 0): StorableMessage {
  return { storeId: 0, topicName, payload: Buffer.from(payload), qos: 1, retain: false, properties: undefined, expiresAt };
}

/** A restored retained message as the StoredMessage it was written from. */
function stored(restored: RestoredRetained): StoredMessage {
  const { bytes, topicOffset, topicLength, payloadOffset, payloadLength } = restored;
  return { topicName: bytes.toString("utf8", topicOffset, topicOffset + topicLength), payload: bytes.subarray(payloadOffset, payloadOffset + payloadLength),
    qos: restored.qos, retain: true, properties: restored.properties, expiresAt: restored.expiresAt };
}

function session(clientId: string, fields: Partial<StoredSession> = {}): StoredSession {
  return { clientId, expiryInterval: 3600, subscriptions: [], will: undefined, disconnectedAt: 1000, ...fields };
}

for (const kind of kinds) {
  describe(`${kind.name} store`, () => {
    it("restores a session with its subscriptions (options, identifiers), expiry and will", async () => {
      const { store, reopen } = kind.create();
      const will = { topicName: "w/t", payload: Buffer.from("gone"), qos: 1 as const, retain: true,
        properties: { willDelayInterval: 30, userProperties: [["k", "v"]] as Array<[string, string]> } };
      store.putSession(session("c1", { subscriptions: [{ topicFilter: "a/+", options: 0x2d, subscriptionId: 7 }], will }));
      await store.whenCommitted();
      const state = await (await reopen(store)).load(5000);
      expect(state.sessions).toHaveLength(1);
      expect(state.sessions[0]!.session).toEqual(session("c1", { subscriptions: [{ topicFilter: "a/+", options: 0x2d, subscriptionId: 7 }], will }));
    });

    it("stores a message once for several sessions and deletes it with its last reference", async () => {
      const { store, reopen } = kind.create();
      store.putSession(session("a"));
      store.putSession(session("b"));
      const m = message("t", "one");
      const ea = store.addEntry("a", m, 1, false, undefined, 0, 0);
      const eb = store.addEntry("b", m, 2, true, [3, 4], 0, 0);
      expect(ea.messageId).toBe(eb.messageId);
      store.removeEntry("a", ea);
      await store.whenCommitted();
      let reopened = await reopen(store);
      let state = await reopened.load(5000);
      const b = state.sessions.find((s) => s.session.clientId === "b")!;
      expect(b.entries.map((e) => [e.entry.qos, e.entry.retain, e.entry.subscriptionIds, e.message.payload.toString()])).toEqual([[2, true, [3, 4], "one"]]);
      expect(state.sessions.find((s) => s.session.clientId === "a")!.entries).toEqual([]);
      reopened.removeEntry("b", b.entries[0]!.entry);
      await reopened.whenCommitted();
      reopened = await reopen(reopened);
      state = await reopened.load(5000);
      expect(state.purged).toEqual({ sessions: 0, retained: 0, entries: 0, messages: 0 }); // nothing left behind to purge
      expect(state.sessions.every((s) => s.entries.length === 0)).toBe(true);
    });

    it("restores queue entries in order with their in-flight packet id and stage", async () => {
      const { store, reopen } = kind.create();
      store.putSession(session("c"));
      const entries = [];
      for (let i = 0; i < 50; i++) entries.push(store.addEntry("c", message("t", `m${i}`), 1, false, undefined, 0, 0));
      entries[0]!.packetId = 11;
      entries[0]!.stage = 1;
      store.updateEntry("c", entries[0]!);
      await store.whenCommitted();
      const state = await (await reopen(store)).load(5000);
      const restored = state.sessions[0]!.entries;
      expect(restored.map((e) => e.message.payload.toString())).toEqual(entries.map((_, i) => `m${i}`));
      expect([restored[0]!.entry.packetId, restored[0]!.entry.stage]).toEqual([11, 1]);
    });

    it("restores inbound QoS 2 packet ids until released", async () => {
      const { store, reopen } = kind.create();
      store.putSession(session("c"));
      store.addInboundQos2("c", 5);
      store.addInboundQos2("c", 9);
      store.removeInboundQos2("c", 5);
      await store.whenCommitted();
      const state = await (await reopen(store)).load(5000);
      expect(state.sessions[0]!.inboundQos2).toEqual([9]);
    });

    it("keeps retained messages, forgets deleted and expired ones", async () => {
      const { store, reopen } = kind.create();
      const keep = { topicName: "r/1", payload: Buffer.from("x"), qos: 1 as const, retain: true, properties: { contentType: "text" }, expiresAt: 0 };
      const later = { topicName: "r/ü", payload: Buffer.alloc(70_000, 7), qos: 2 as const, retain: true, expiresAt: 9000,
        properties: { correlationData: Buffer.from([0, 255, 1]), userProperties: [["a", "1"], ["a", "2"]] as Array<[string, string]>, payloadFormatIndicator: 1 } };
      const plain = { topicName: "s", payload: Buffer.from("p"), qos: 0 as const, retain: true, properties: undefined, expiresAt: 0 };
      store.putRetained(keep);
      store.putRetained({ ...keep, topicName: "r/2" });
      store.deleteRetained("r/2");
      store.putRetained({ ...keep, topicName: "r/3", expiresAt: 4000 });
      store.putRetained(later);
      store.putRetained(plain);
      await store.whenCommitted();
      const state = await (await reopen(store)).load(5000);
      expect([...state.retained].map(stored)).toEqual([keep, later, plain]);
      expect(state.purged.retained).toBe(1);
    });

    it("purges sessions that expired while down and hands back their wills; a connected one counts from the restart", async () => {
      const { store, reopen } = kind.create();
      const will = { topicName: "w", payload: Buffer.from("bye"), qos: 0 as const, retain: false, properties: {} };
      store.putSession(session("old", { expiryInterval: 10, disconnectedAt: 1000, will, username: "alice" }));
      store.putSession(session("live", { expiryInterval: 10, disconnectedAt: 0 }));
      store.putSession(session("never", { expiryInterval: 0xffffffff, disconnectedAt: 1 }));
      const entry = store.addEntry("old", message("t", "lost"), 1, false, undefined, 0, 0);
      expect(entry.entryId).toBeGreaterThan(0);
      await store.whenCommitted();
      const state = await (await reopen(store)).load(1_000_000);
      expect(state.sessions.map((s) => s.session.clientId).sort()).toEqual(["live", "never"]);
      expect(state.sessions.find((s) => s.session.clientId === "live")!.session.disconnectedAt).toBe(1_000_000);
      expect(state.wills).toEqual([{ will, clientId: "old", username: "alice" }]); // whose: the ACL checks it as alice's
      expect(state.purged).toEqual({ sessions: 1, retained: 0, entries: 1, messages: 1 });
    });

    it("drops a queued message that expired, resends one in flight", async () => {
      const { store, reopen } = kind.create();
      store.putSession(session("c"));
      store.addEntry("c", message("t", "queued", 2000), 1, false, undefined, 0, 0);
      store.addEntry("c", message("t", "inflight", 2000), 1, false, undefined, 3, 1);
      await store.whenCommitted();
      const state = await (await reopen(store)).load(5000);
      expect(state.sessions[0]!.entries.map((e) => e.message.payload.toString())).toEqual(["inflight"]);
    });

    it("deleting a session deletes its entries, their messages and its inbound ids", async () => {
      const { store, reopen } = kind.create();
      store.putSession(session("c"));
      const entry = store.addEntry("c", message("t", "x"), 2, false, undefined, 0, 0);
      store.addInboundQos2("c", 1);
      store.deleteSession("c", [entry], [1]);
      await store.whenCommitted();
      const state = await (await reopen(store)).load(5000);
      expect(state.sessions).toEqual([]);
      expect(state.purged).toEqual({ sessions: 0, retained: 0, entries: 0, messages: 0 });
    });

    it("purges entries and messages left without a session (a crash between writes)", async () => {
      const { store, reopen } = kind.create();
      store.putSession(session("c"));
      store.addEntry("c", message("t", "x"), 1, false, undefined, 0, 0);
      store.deleteSession("c", [], []);
      await store.whenCommitted();
      const reopened = await reopen(store);
      const state = await reopened.load(5000);
      expect(state.purged).toEqual({ sessions: 0, retained: 0, entries: 1, messages: 1 });
      const again = await (await reopen(reopened)).load(5000); // the reopened one, closed first (one store per directory)
      expect(again.purged).toEqual({ sessions: 0, retained: 0, entries: 0, messages: 0 });
    });

    it("ids keep increasing after a restart, so restored and new entries stay in order", async () => {
      const { store, reopen } = kind.create();
      store.putSession(session("c"));
      const first = store.addEntry("c", message("t", "1"), 1, false, undefined, 0, 0);
      await store.whenCommitted();
      const reopened = await reopen(store);
      await reopened.load(5000);
      const second = reopened.addEntry("c", message("t", "2"), 1, false, undefined, 0, 0);
      expect(second.entryId).toBeGreaterThan(first.entryId);
      expect(second.messageId).not.toBe(first.messageId);
      await reopened.close();
    });
  });
}
