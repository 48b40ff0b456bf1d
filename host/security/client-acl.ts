// One client's rules from the ACL file (its user block, or the anonymous block, plus the patterns with %u / %c
// filled in) and the three checks: publish, subscribe, and read (every delivery; cached per topic name).
// Deny by default: only a grant lets anything through, and a deny rule wins over every grant.
import type { AclFile, AclRule } from "../config/acl-file.ts";
import { covers, intersects } from "./topic-rules.ts";

/** Topic names remembered per client for the read check before the cache starts over (bounds its memory). */
const cacheLimit = 1024;

/** %u / %c values that could widen a pattern: a level separator or a wildcard. */
const hostile = /[/+#]/;

function expand(rule: AclRule, username: string | undefined, clientId: string): string | undefined {
  let filter = rule.topicFilter;
  if (filter.includes("%u")) {
    if (username === undefined || username === "" || hostile.test(username)) return undefined;
    filter = filter.replaceAll("%u", username);
  }
  if (filter.includes("%c")) {
    if (clientId === "" || hostile.test(clientId)) return undefined;
    filter = filter.replaceAll("%c", clientId);
  }
  return filter;
}

export class ClientAcl {
  private readonly read: string[] = [];
  private readonly write: string[] = [];
  private readonly deny: string[] = [];
  /** A deny pattern could not be filled in safely: nothing is allowed (fail closed). */
  private readonly denyAll: boolean = false;
  private readonly readable = new Map<string, boolean>();

  constructor(file: AclFile, readonly username: string | undefined, readonly clientId: string, readonly generation: number) {
    const own = username === undefined ? file.anonymous : file.users.get(username) ?? [];
    for (const rule of own) this.add(rule.access, rule.topicFilter);
    for (const rule of file.patterns) {
      const filter = expand(rule, username, clientId);
      if (filter !== undefined) this.add(rule.access, filter);
      else if (rule.access === "deny") this.denyAll = true;
    }
  }

  private add(access: AclRule["access"], filter: string): void {
    if (access === "deny") this.deny.push(filter);
    if (access === "read" || access === "readwrite") this.read.push(filter);
    if (access === "write" || access === "readwrite") this.write.push(filter);
  }

  mayPublish(topicName: string): boolean {
    if (this.denyAll || this.deny.some((d) => covers(d, topicName))) return false;
    return this.write.some((w) => covers(w, topicName));
  }

  /** A filter is allowed only where everything it can match is readable: one read grant covers it and no deny meets it. */
  maySubscribe(topicFilter: string): boolean {
    const filter = topicFilter.startsWith("$share/") ? topicFilter.split("/").slice(2).join("/") : topicFilter;
    if (this.denyAll || this.deny.some((d) => intersects(d, filter))) return false;
    return this.read.some((r) => covers(r, filter));
  }

  /** maySubscribe for each filter of one SUBSCRIBE. */
  mayEach(topicFilters: string[]): boolean[] {
    return topicFilters.map((f) => this.maySubscribe(f));
  }

  /** The check made for every delivery to this client. */
  mayRead(topicName: string): boolean {
    const known = this.readable.get(topicName);
    if (known !== undefined) return known;
    const allowed = !this.denyAll && !this.deny.some((d) => covers(d, topicName)) && this.read.some((r) => covers(r, topicName));
    if (this.readable.size >= cacheLimit) this.readable.clear();
    this.readable.set(topicName, allowed);
    return allowed;
  }
}
