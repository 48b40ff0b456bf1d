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

/** What a ClientAcl needs from the store: the file in force and its generation (bumped by every reload). */
export interface AclSource {
  readonly file: AclFile;
  readonly generation: number;
  readonly counters: { aclPublishDenied: number; aclDeliveryDenied: number; aclWillDenied: number };
}

/** One client's rules, compiled from the file in force; recompiled at the first check after a reload. */
class Rules {
  readonly read: string[] = [];
  readonly write: string[] = [];
  readonly deny: string[] = [];
  /** A deny pattern could not be filled in safely: nothing is allowed (fail closed). */
  denyAll = false;
  readonly readable = new Map<string, boolean>();

  constructor(file: AclFile, username: string | undefined, clientId: string) {
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
}

export class ClientAcl {
  private rules: Rules;
  private generation: number;

  constructor(private readonly source: AclSource, readonly username: string | undefined, readonly clientId: string) {
    this.rules = new Rules(source.file, username, clientId);
    this.generation = source.generation;
  }

  private current(): Rules {
    if (this.generation !== this.source.generation) {
      this.rules = new Rules(this.source.file, this.username, this.clientId);
      this.generation = this.source.generation;
    }
    return this.rules;
  }

  private writable(topicName: string): boolean {
    const r = this.current();
    return !r.denyAll && !r.deny.some((d) => covers(d, topicName)) && r.write.some((w) => covers(w, topicName));
  }

  mayPublish(topicName: string): boolean {
    const allowed = this.writable(topicName);
    if (!allowed) this.source.counters.aclPublishDenied++;
    return allowed;
  }

  /** A will is checked when it is sent: the client may no longer be allowed to publish there. */
  mayPublishWill(topicName: string): boolean {
    const allowed = this.writable(topicName);
    if (!allowed) this.source.counters.aclWillDenied++;
    return allowed;
  }

  /** A filter is allowed only where everything it can match is readable: one read grant covers it and no deny meets it. */
  maySubscribe(topicFilter: string): boolean {
    const r = this.current();
    const filter = topicFilter.startsWith("$share/") ? topicFilter.split("/").slice(2).join("/") : topicFilter;
    if (r.denyAll || r.deny.some((d) => intersects(d, filter))) return false;
    return r.read.some((g) => covers(g, filter));
  }

  /** maySubscribe for each filter of one SUBSCRIBE. */
  mayEach(topicFilters: string[]): boolean[] {
    return topicFilters.map((f) => this.maySubscribe(f));
  }

  /** The check made for every delivery to this client (cached per topic name until the next reload). */
  mayRead(topicName: string): boolean {
    const r = this.current();
    let allowed = r.readable.get(topicName);
    if (allowed === undefined) {
      allowed = !r.denyAll && !r.deny.some((d) => covers(d, topicName)) && r.read.some((g) => covers(g, topicName));
      if (r.readable.size >= cacheLimit) r.readable.clear();
      r.readable.set(topicName, allowed);
    }
    if (!allowed) this.source.counters.aclDeliveryDenied++;
    return allowed;
  }
}
