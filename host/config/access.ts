// The config file's access section turned into hooks: a user list (inline or a `username:password` file)
// checked by `authenticate`, and topic deny lists checked by `authorizeSubscribe` / `authorizePublish`.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Decision, Hooks } from "../hooks.ts";
import { isPasswordHash, verifyPassword } from "./password-hash.ts";
import { isScramEntry, verifyScramPassword } from "./scram-credentials.ts";

export interface User {
  username: string;
  /** The password in plain text, or a scrypt hash from `quarkmq --hash-password`. */
  password: string;
}

export interface Acl {
  /** Topic filters nobody may subscribe to; a requested filter is refused when a pattern covers it. */
  denySubscribe: string[];
  /** Topic filters nobody may publish to; a topic name is refused when a pattern matches it. */
  denyPublish: string[];
  /** The v5 SUBACK reason code for a denied filter: 0x87 Not authorized (the default, as Mosquitto), or 0x80
   *  Unspecified error for a server that does not wish to reveal the reason (v5 3.9.3). 3.1.1 always gets 0x80. */
  denySubscribeReasonCode?: number;
}

/** The SUBACK reason codes `acl.denySubscribeReasonCode` may name. */
export const denySubscribeReasonCodes = [0x80, 0x87];

/** MQTT 5 reason codes the hooks answer with (the broker maps them to 3.1.1 return codes). */
const BadUserNameOrPassword = 0x86;
const NotAuthorized = 0x87;

function digest(value: string | Buffer): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * True when every topic the filter `requested` can match is also matched by `pattern`: `+` in the pattern
 * covers any one level (a `+` included), `#` covers the rest. A literal level only covers itself.
 */
export function filterCovers(pattern: string, requested: string): boolean {
  const p = pattern.split("/");
  const r = requested.split("/");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === "#") return !(i === 0 && r[0]?.startsWith("$") && !pattern.startsWith("$"));
    if (i >= r.length) return false;
    if (p[i] === "+") {
      if (r[i] === "#") return false;
      if (i === 0 && r[0]!.startsWith("$")) return false; // [MQTT-4.7.2-1] wildcards at the first level skip $ topics
      continue;
    }
    if (p[i] !== r[i]) return false;
  }
  return p.length === r.length;
}

/** The users a password check looks in; replace() swaps them all at once (a SIGHUP reload of the password file). */
export class UserTable {
  private hashes = new Map<string, string>();
  private plain = new Map<string, Buffer>();

  constructor(users: User[]) {
    this.replace(users);
  }

  replace(users: User[]): void {
    const hashed = (u: User) => isPasswordHash(u.password) || isScramEntry(u.password);
    this.hashes = new Map(users.filter(hashed).map((u) => [u.username, u.password]));
    this.plain = new Map(users.filter((u) => !hashed(u)).map((u) => [u.username, digest(u.password)]));
  }

  get size(): number {
    return this.hashes.size + this.plain.size;
  }

  /** The stored SCRAM entry of a user, for SCRAM-SHA-256 enhanced authentication. */
  scramEntry(username: string): string | undefined {
    const value = this.hashes.get(username);
    return value !== undefined && isScramEntry(value) ? value : undefined;
  }

  /** True or BadUserNameOrPassword; asynchronous for hashed passwords (verified off the event loop). */
  check(username: string, password: Buffer | undefined): Decision {
    const given = password ?? Buffer.alloc(0);
    const hash = this.hashes.get(username);
    if (hash !== undefined) {
      const check = isScramEntry(hash) ? verifyScramPassword(hash, given) : verifyPassword(hash, given);
      return check.then((same) => (same ? true : BadUserNameOrPassword));
    }
    const expected = this.plain.get(username);
    const same = timingSafeEqual(digest(given), expected ?? digest("\u0000no such user"));
    return expected !== undefined && same ? true : BadUserNameOrPassword;
  }
}

/** Hooks enforcing the users and the ACL. The authenticate hook is there only when users are configured. */
export function accessHooks(users: UserTable | undefined, acl: Acl | undefined, allowAnonymous: boolean): Hooks {
  const hooks: Hooks = {};
  if (users !== undefined) {
    hooks.authenticate = ({ client, password, certificateIdentity }) => {
      if (certificateIdentity !== undefined) return true; // the username is the verified certificate's
      if (client.username === undefined) return allowAnonymous ? true : NotAuthorized;
      return users.check(client.username, password);
    };
  }
  if (acl && acl.denySubscribe.length > 0) {
    const deny = acl.denySubscribe;
    const refusal = acl.denySubscribeReasonCode ?? NotAuthorized;
    hooks.authorizeSubscribe = ({ topicFilter }) => {
      const filter = topicFilter.startsWith("$share/") ? topicFilter.split("/").slice(2).join("/") : topicFilter;
      return deny.some((pattern) => filterCovers(pattern, filter)) ? refusal : true;
    };
  }
  if (acl && acl.denyPublish.length > 0) {
    const deny = acl.denyPublish;
    hooks.authorizePublish = ({ topicName }) =>
      deny.some((pattern) => filterCovers(pattern, topicName)) ? NotAuthorized : true;
  }
  return hooks;
}
