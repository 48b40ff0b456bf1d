// The durable store on LMDB (lmdb-js): writes are queued in memory and committed as one transaction per
// batch, one batch at a time; the commit and its fsync run on lmdb's writer thread, never the event loop.
// A batch that fails rejects whenCommitted() for the writes in it; later batches are tried afresh.
import { open, type Database, type DatabaseOptions, type RootDatabase } from "lmdb";
import type { Backend, Key, Table } from "./backend.ts";
import { checkDataDir, StoreOpenError } from "./data-dir.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { KeyValueStore, normalizeMessage } from "./key-value-store.ts";
import { encodeRetained } from "./retained-record.ts";
import { STORE_FORMAT_VERSION, type StoredMessage } from "./store.ts";

const TABLES: Table[] = ["meta", "sessions", "retained", "messages", "entries", "inbound"];
const REMOVE = Symbol("remove");
const STRUCTURES = Symbol.for("structures");
/** Retained records are bytes of their own layout (retained-record.ts): written as given, read as a view of lmdb's read
 *  buffer that the next read reuses (load() copies each record at once), so no copy or decode per record. */
const RAW = { encode: (value: Buffer) => value, decode: (bytes: Buffer, size: number) => bytes.subarray(0, size) };

interface Batch {
  ops: Array<[Database, Key, unknown]>;
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

class LmdbBackend implements Backend {
  private readonly dbs: Record<Table, Database>;
  /** Writes queued since the last commit started. */
  private queued: Batch | undefined;
  /** The batch being committed. */
  private committing: Batch | undefined;

  constructor(private readonly env: RootDatabase, private readonly onError: (error: Error) => void) {
    // Shared msgpack structures: records of one shape are written as a structure id and values (2-4x faster to read back).
    this.dbs = Object.fromEntries(TABLES.map((name) => [name, name === "retained" ? env.openDB({ name, encoder: RAW } as DatabaseOptions & { name: string })
      : env.openDB({ name, sharedStructuresKey: STRUCTURES })])) as Record<Table, Database>;
  }

  /** The format version: written into an empty store, else it must be ours. */
  checkFormat(path: string): void {
    const meta = this.dbs.meta;
    const version = meta.get("formatVersion") as number | undefined;
    if (version === STORE_FORMAT_VERSION) return;
    if (version === 1) return this.upgradeFromVersion1();
    if (version !== undefined) throw new StoreOpenError(path, `format version ${version}, this quarkmq reads version ${STORE_FORMAT_VERSION}`);
    for (const table of TABLES) {
      for (const _key of this.dbs[table].getKeys({ limit: 1 })) throw new StoreOpenError(path, "it holds data but no quarkmq format version");
    }
    meta.putSync("formatVersion", STORE_FORMAT_VERSION);
  }

  /** Version 1 kept retained messages as msgpack records: each is rewritten in the version 2 layout, in one transaction
   *  with the new version number (a crash on the way leaves version 1, upgraded again at the next open). */
  private upgradeFromVersion1(): void {
    const old = this.env.openDB({ name: "retained", sharedStructuresKey: STRUCTURES });
    const records: Array<[string, Buffer]> = [];
    for (const { key, value } of old.getRange({})) records.push([key as string, encodeRetained(normalizeMessage(value as StoredMessage))]);
    this.env.transactionSync(() => {
      for (const [key, record] of records) this.dbs.retained.put(key, record);
      old.remove(STRUCTURES);
      this.dbs.meta.put("formatVersion", STORE_FORMAT_VERSION);
    });
  }

  put(table: Table, key: Key, value: unknown): void {
    this.batch().ops.push([this.dbs[table], key, value]);
  }

  remove(table: Table, key: Key): void {
    this.batch().ops.push([this.dbs[table], key, REMOVE]);
  }

  scan(table: Table): Iterable<{ key: Key; value: unknown }> {
    return this.dbs[table].getRange({}) as Iterable<{ key: Key; value: unknown }>;
  }

  whenCommitted(): Promise<void> | undefined {
    return (this.queued ?? this.committing)?.promise;
  }

  async close(): Promise<void> {
    while (this.whenCommitted() !== undefined) await this.whenCommitted()!.catch(() => undefined);
    await this.env.close();
  }

  private batch(): Batch {
    if (this.queued !== undefined) return this.queued;
    let resolve!: () => void, reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    promise.catch(() => undefined); // a failure is reported by onError; waiters get it through their own then()
    this.queued = { ops: [], promise, resolve, reject };
    if (this.committing === undefined) setImmediate(() => this.commit());
    return this.queued;
  }

  private commit(): void {
    const batch = this.queued;
    if (batch === undefined || this.committing !== undefined) return;
    this.queued = undefined;
    this.committing = batch;
    let committed: Promise<unknown>;
    try {
      committed = this.env.transaction(() => {
        for (const [db, key, value] of batch.ops) {
          if (value === REMOVE) db.remove(key);
          else db.put(key, value);
        }
      });
    } catch (error) { // the environment is closed, or a record could not be encoded
      committed = Promise.reject(error);
    }
    committed.then(
      () => this.settle(batch, undefined),
      (error: Error & { commitError?: Promise<unknown> }) => {
        error.commitError?.catch(() => undefined); // lmdb's detail (e.g. EIO, ENOSPC), already in error's chain
        this.settle(batch, error);
      },
    );
  }

  private settle(batch: Batch, error: Error | undefined): void {
    this.committing = undefined;
    if (error === undefined) batch.resolve();
    else {
      this.onError(error);
      batch.reject(error);
    }
    if (this.queued !== undefined) this.commit();
  }
}

export interface LmdbStoreOptions {
  /** The data directory (created when missing). */
  path: string;
  /** Told about every failed commit (the broker logs it). */
  onError?: (error: Error) => void;
}

export class LmdbStore extends KeyValueStore {
  private constructor(readonly path: string, backend: LmdbBackend, private readonly unlock: () => void) {
    super("lmdb", backend);
  }

  /** Commits what is queued, closes the environment and gives the data directory's lock back. */
  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.unlock();
    }
  }

  /** Opens (creating when missing), locks and checks the store; throws StoreOpenError with the path and the reason
   *  (StoreLockedError when another live broker holds the directory). */
  static open(options: LmdbStoreOptions): LmdbStore {
    const path = options.path;
    checkDataDir(path);
    const unlock = lockDataDir(path); // throws StoreLockedError while another broker uses the directory
    let env: RootDatabase | undefined;
    try {
      // overlappingSync off: a commit resolves once it is flushed to disk, so acknowledgements wait for durability.
      env = open({ path, maxDbs: TABLES.length, eventTurnBatching: false, overlappingSync: false, noSubdir: false });
      const backend = new LmdbBackend(env, options.onError ?? (() => undefined));
      backend.checkFormat(path);
      return new LmdbStore(path, backend, unlock);
    } catch (error) {
      void env?.close();
      unlock();
      if (error instanceof StoreOpenError) throw error;
      throw new StoreOpenError(path, (error as Error).message);
    }
  }
}
