// The ACL file, in Mosquitto's format: `user NAME` starts a user's block, `topic [read|write|readwrite|deny] FILTER`
// grants (readwrite when the access is left out) or denies, `pattern [access] FILTER` applies to every client
// with %u / %c replaced by its username / client id. Topic lines before any `user` line are for anonymous clients.
import { readFileSync } from "node:fs";

export type Access = "read" | "write" | "readwrite" | "deny";

export interface AclRule {
  access: Access;
  topicFilter: string;
  /** Where it was written, for log lines: "file:line". */
  at: string;
}

export interface AclFile {
  path: string;
  /** Rules for clients that gave no username. */
  anonymous: AclRule[];
  users: Map<string, AclRule[]>;
  /** `pattern` lines, still holding %u / %c. */
  patterns: AclRule[];
}

const accesses: readonly string[] = ["read", "write", "readwrite", "deny"];

/** # alone in the last level, + alone in its level: v5 [MQTT-4.7.1-1] [MQTT-4.7.1-2], v3.1.1 [MQTT-4.7.1-2] [MQTT-4.7.1-3];
 *  %u / %c count as literal text. Shared by the ACL file and the config file's acl section. */
export function isValidFilter(filter: string): boolean {
  if (filter === "") return false;
  const levels = filter.split("/");
  return levels.every((level, i) =>
    level === "#" ? i === levels.length - 1 : level === "+" || (!level.includes("#") && !level.includes("+")));
}

/** Parses the text; every problem is reported as "file:line: message" and the file is refused when there is one. */
export function parseAclText(text: string, path: string): { acl: AclFile; errors: string[] } {
  const acl: AclFile = { path, anonymous: [], users: new Map(), patterns: [] };
  const errors: string[] = [];
  let current = acl.anonymous;
  text.split(/\r?\n/).forEach((raw, i) => {
    const at = `${path}:${i + 1}`;
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const space = line.search(/\s/);
    const keyword = space < 0 ? line : line.slice(0, space);
    const rest = space < 0 ? "" : line.slice(space).trim();
    if (keyword === "user") {
      if (rest === "") return void errors.push(`${at}: "user" needs a username`);
      current = acl.users.get(rest) ?? [];
      acl.users.set(rest, current);
      return;
    }
    if (keyword !== "topic" && keyword !== "pattern") {
      return void errors.push(`${at}: unknown keyword ${JSON.stringify(keyword)}; expected user, topic or pattern`);
    }
    const words = rest.split(/\s+/);
    let access: Access = "readwrite";
    let filter = rest;
    if (words.length > 1 && accesses.includes(words[0]!)) {
      access = words[0] as Access;
      filter = rest.slice(words[0]!.length).trim();
    }
    if (rest === "" || !isValidFilter(filter)) {
      return void errors.push(`${at}: ${JSON.stringify(filter)} is not a valid topic filter (# only as the last level, + and # alone in their level)`);
    }
    (keyword === "pattern" ? acl.patterns : current).push({ access, topicFilter: filter, at });
  });
  return { acl, errors };
}

/** Reads and parses the file; a missing file is one error. */
export function readAclFile(path: string): { acl?: AclFile; errors: string[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { errors: [`${path}: cannot read the ACL file: ${(error as Error).message}`] };
  }
  const { acl, errors } = parseAclText(text, path);
  return errors.length > 0 ? { errors } : { acl, errors };
}
