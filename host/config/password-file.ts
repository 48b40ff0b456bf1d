// The password file: `username:password` lines (`#` comments), the password a scrypt hash or plain text.
// Read with line numbers (so a problem names file and line), edited line by line keeping every other line
// as it was, and written atomically: a 0600 temporary file in the same directory, fsynced, then renamed.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isPasswordHash } from "./password-hash.ts";

export interface PasswordEntry {
  username: string;
  /** A scrypt hash (`quarkmq passwd`), a SCRAM entry (`quarkmq passwd --scram`) or plain text. */
  password: string;
  /** 1-based line in the file. */
  line: number;
}

/** Parses the file's text; throws naming file and line for a line that is no `username:password`. */
export function parsePasswordLines(text: string, file: string): PasswordEntry[] {
  const entries: PasswordEntry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`${file}:${i + 1}: expected "username:password", got ${JSON.stringify(line)}`);
    entries.push({ username: line.slice(0, colon), password: line.slice(colon + 1), line: i + 1 });
  });
  return entries;
}

/** Reads and parses the file (at start and on SIGHUP): its users and one warning per plain-text password.
 *  Throws naming file and line, or the read error. */
export function readPasswordFile(path: string): { users: { username: string; password: string }[]; warnings: string[] } {
  const entries = parsePasswordLines(readFileSync(path, "utf8"), path);
  return { users: entries.map(({ username, password }) => ({ username, password })), warnings: plainTextWarnings(entries, path) };
}

/** One warning per entry whose password is stored in plain text. */
export function plainTextWarnings(entries: PasswordEntry[], file: string): string[] {
  return entries
    .filter((e) => !isPasswordHash(e.password) && !e.password.startsWith("scram-sha-256$"))
    .map((e) => `${file}:${e.line}: the password of "${e.username}" is in plain text; replace it with quarkmq passwd ${file} ${e.username}`);
}

/** A username the file can hold: not empty, no ':' (the separator), no control characters, not a comment. */
export function usernameProblem(username: string): string | undefined {
  if (username === "") return "the username is empty";
  if (username.includes(":")) return "a username may not contain ':'";
  if (/[\u0000-\u001f\u007f]/.test(username)) return "a username may not contain control characters";
  if (username.startsWith("#")) return "a username may not start with '#'";
  return undefined;
}

/** The text with `username`'s line replaced by `password` (appended when absent), or removed when password is undefined. */
export function editPasswordText(text: string, username: string, password: string | undefined): { text: string; found: boolean } {
  const lines = text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/);
  let found = false;
  const kept: string[] = [];
  for (const line of lines) {
    const isUser = !line.trimStart().startsWith("#") && line.slice(0, line.indexOf(":")) === username && line.includes(":");
    if (!isUser) kept.push(line);
    else if (!found) {
      found = true;
      if (password !== undefined) kept.push(`${username}:${password}`);
    }
  }
  if (!found && password !== undefined) kept.push(`${username}:${password}`);
  return { text: kept.length === 0 ? "" : `${kept.join("\n")}\n`, found };
}

/** Replaces the file atomically with mode 0600: no reader ever sees half a file, nobody else can read it. */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  rmSync(temporary, { force: true });
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
}
