// The config file's users and acl sections read and checked (load.ts calls them), and the unknown-key message
// every section reader shares; each problem is pushed to the caller's list, naming where it came from.
import { denySubscribeReasonCodes, type Acl, type User } from "./access.ts";
import { isValidFilter } from "./acl-file.ts";
import { didYouMean } from "./schema.ts";

export function unknownKey(where: string, key: string, candidates: readonly string[]): string {
  const hint = didYouMean(key, candidates);
  return `${where}: unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}`;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string" && v.length > 0) ? value : undefined;
}

export function readUsers(value: unknown, where: string, problems: string[]): User[] {
  if (!Array.isArray(value)) {
    problems.push(`${where}: expected a list of { username, password }`);
    return [];
  }
  const users: User[] = [];
  value.forEach((entry, i) => {
    const at = `${where}[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`${at}: expected { username, password }`);
      return;
    }
    const { username, password, ...extra } = entry as Record<string, unknown>;
    for (const k of Object.keys(extra)) problems.push(unknownKey(at, k, ["username", "password"]));
    if (typeof username !== "string" || username === "") problems.push(`${at}.username: expected a non-empty string`);
    else if (typeof password !== "string") problems.push(`${at}.password: expected a string`);
    else users.push({ username, password });
  });
  return users;
}

export function readAcl(value: unknown, where: string, problems: string[]): Acl | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.push(`${where}: expected a mapping with denySubscribe, denyPublish and/or denySubscribeReasonCode`);
    return undefined;
  }
  const acl: Acl = { denySubscribe: [], denyPublish: [] };
  for (const [k, v] of Object.entries(value)) {
    if (k === "denySubscribeReasonCode") {
      if (typeof v === "number" && denySubscribeReasonCodes.includes(v)) acl[k] = v;
      else problems.push(`${where}.${k}: expected 0x80 or 0x87, got ${JSON.stringify(v)}`);
      continue;
    }
    if (k !== "denySubscribe" && k !== "denyPublish") {
      problems.push(unknownKey(where, k, ["denySubscribe", "denyPublish", "denySubscribeReasonCode"]));
      continue;
    }
    const list = stringList(v);
    if (list === undefined) problems.push(`${where}.${k}: expected a list of topic filters`);
    else {
      for (const filter of list.filter((f) => !isValidFilter(f))) {
        problems.push(`${where}.${k}: ${JSON.stringify(filter)} is not a valid topic filter (# only as the last level, + and # alone in their level)`);
      }
      acl[k] = list;
    }
  }
  return acl;
}
