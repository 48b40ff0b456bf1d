// One broker per data directory: LMDB lets several processes open one environment, so two brokers would both
// restore, and then overwrite, the same sessions. An exclusive `quarkmq.lock` file holding the owner's pid keeps the
// second one out; a lock left by a process that is gone (a crash, SIGKILL) is taken over.
import { closeSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { StoreOpenError } from "./data-dir.ts";

export const LOCK_FILE = "quarkmq.lock";

/** The data directory is in use by a live broker: `pid` is its process (this one, for a second broker in-process). */
export class StoreLockedError extends StoreOpenError {
  override name = "StoreLockedError";

  constructor(path: string, readonly pid: number) {
    super(path, pid === process.pid
      ? "another broker in this process uses it"
      : `another quarkmq (pid ${pid}) uses it; stop that one or give this one its own data directory`);
  }
}

/** Directories locked by this process: a lock file with our own pid is ours only if listed here (a pid is reused:
 *  a container's broker is pid 1 after every restart). */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

function ownerOf(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // gone meanwhile, or unreadable: treated as stale
  }
}

/** Takes the lock of a data directory (which exists); throws StoreLockedError while a live broker holds it. Returns the
 *  release function (idempotent). */
export function lockDataDir(path: string): () => void {
  const dir = realpathSync(path);
  const lockPath = join(dir, LOCK_FILE);
  // Bounded: each round either creates the file, finds a live owner, or removes a stale file another start may race for.
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, "wx", 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new StoreOpenError(path, `cannot create ${LOCK_FILE}: ${(error as Error).message}`);
      const owner = ownerOf(lockPath);
      if (owner !== undefined && (owner === process.pid ? heldHere.has(dir) : alive(owner))) throw new StoreLockedError(path, owner);
      try {
        unlinkSync(lockPath); // stale: its process is gone
      } catch {
        // another start removed it first: try again
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.add(dir);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      heldHere.delete(dir);
      if (ownerOf(lockPath) === process.pid) {
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone
        }
      }
    };
  }
  throw new StoreOpenError(path, `${LOCK_FILE} keeps changing: another broker is starting on this directory`);
}
