// What a store needs from the thing that holds its bytes: tables of records by key, writes queued and
// committed in batches, and a scan of the committed records (read once, at start).
export type Table = "meta" | "sessions" | "retained" | "messages" | "entries" | "inbound";

/** A record's key: a client id or topic name, a message id, or (client id, entry id / packet id). */
export type Key = string | number | [string, number];

export interface Backend {
  put(table: Table, key: Key, value: unknown): void;
  remove(table: Table, key: Key): void;
  /** The committed records of a table; a retained record's bytes may be reused once the next one is read. */
  scan(table: Table): Iterable<{ key: Key; value: unknown }>;
  /** undefined when nothing is queued or committing; else a promise for the commit of every write so far. */
  whenCommitted(): Promise<void> | undefined;
  close(): Promise<void>;
}
