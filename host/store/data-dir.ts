// The data directory of the durable store: checked before LMDB opens it (a damaged data.mdb can crash
// the process inside LMDB, so its header is read here first), and set aside on --reset-store: renamed
// with a timestamp, never deleted.
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync } from "node:fs";

/** LMDB's meta page magic (MDB_MAGIC), little-endian at byte 24 of each of the two meta pages. */
const MDB_MAGIC = 0xbeefc0de;
const MAGIC_OFFSET = 24;
const PAGE_SIZE = 4096;

export class StoreOpenError extends Error {
  override name = "StoreOpenError";

  constructor(readonly path: string, readonly reason: string) {
    super(`cannot open the store in ${path}: ${reason}`);
  }
}

/** Creates the directory when missing; throws StoreOpenError when it is not a usable LMDB store directory. */
export function checkDataDir(path: string): void {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new StoreOpenError(path, "it exists and is not a directory");
  } else {
    try {
      mkdirSync(path, { recursive: true });
    } catch (error) {
      throw new StoreOpenError(path, (error as Error).message);
    }
  }
  const dataFile = `${path}/data.mdb`;
  if (!existsSync(dataFile)) return;
  const size = statSync(dataFile).size;
  if (size < 2 * PAGE_SIZE) throw new StoreOpenError(path, `data.mdb is ${size} bytes, too short for an LMDB file (damaged?)`);
  const fd = openSync(dataFile, "r");
  try {
    const header = Buffer.alloc(PAGE_SIZE + MAGIC_OFFSET + 4);
    readSync(fd, header, 0, header.length, 0);
    if (header.readUInt32LE(MAGIC_OFFSET) !== MDB_MAGIC || header.readUInt32LE(PAGE_SIZE + MAGIC_OFFSET) !== MDB_MAGIC) {
      throw new StoreOpenError(path, "data.mdb has no LMDB header (damaged, or not a quarkmq store)");
    }
  } finally {
    closeSync(fd);
  }
}

/** --reset-store: renames an existing data directory to `<path>.<timestamp>` and returns the new name. */
export function setAsideDataDir(path: string, now = new Date()): string | undefined {
  if (!existsSync(path)) return undefined;
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  let target = `${path}.${stamp}`;
  for (let n = 1; existsSync(target); n++) target = `${path}.${stamp}-${n}`;
  renameSync(path, target);
  return target;
}
