// The memory store (the library's default): records in Maps, committed as soon as written. Nothing
// survives the process, but a broker closed and created again on the same MemoryStore restores from it.
import type { Backend, Key, Table } from "./backend.ts";
import { KeyValueStore } from "./key-value-store.ts";

class MemoryBackend implements Backend {
  private readonly tables = new Map<Table, Map<string | number, { key: Key; value: unknown }>>();

  private table(table: Table): Map<string | number, { key: Key; value: unknown }> {
    let map = this.tables.get(table);
    if (map === undefined) this.tables.set(table, map = new Map());
    return map;
  }

  put(table: Table, key: Key, value: unknown): void {
    this.table(table).set(flat(key), { key, value });
  }

  remove(table: Table, key: Key): void {
    this.table(table).delete(flat(key));
  }

  scan(table: Table): Iterable<{ key: Key; value: unknown }> {
    return [...this.table(table).values()];
  }

  whenCommitted(): undefined {
    return undefined;
  }

  async close(): Promise<void> {}
}

function flat(key: Key): string | number {
  return Array.isArray(key) ? `${key[0]}\u0000${key[1]}` : key;
}

export class MemoryStore extends KeyValueStore {
  constructor() {
    super("memory", new MemoryBackend());
  }
}
