// The ACL file in force: loaded at start (a bad file stops the start), reloaded on SIGHUP (a bad file keeps the
// old rules and reports every error with file and line). Each client gets its compiled rules from here; a reload
// bumps the generation so every live client recompiles at its next check.
import { readAclFile, type AclFile } from "../config/acl-file.ts";
import { ClientAcl, type AclSource } from "./client-acl.ts";
import type { SecurityCounters } from "./counters.ts";

export class AclStore implements AclSource {
  private current: AclFile;
  private reloads = 0;

  private constructor(readonly path: string, file: AclFile, readonly counters: SecurityCounters) {
    this.current = file;
  }

  /** Loads the file; throws an Error listing every problem ("file:line: ...") when it cannot be used. */
  static load(path: string, counters: SecurityCounters): AclStore {
    const { acl, errors } = readAclFile(path);
    if (acl === undefined) throw new Error(errors.join("\n"));
    return new AclStore(path, acl, counters);
  }

  get file(): AclFile {
    return this.current;
  }

  /** Bumped by every successful reload; a ClientAcl compiled from an older generation recompiles. */
  get generation(): number {
    return this.reloads;
  }

  /** Re-reads the file: the errors (empty when the new rules are in force; otherwise the old ones stay). */
  reload(): string[] {
    const { acl, errors } = readAclFile(this.path);
    if (acl === undefined) return errors;
    this.current = acl;
    this.reloads++;
    return [];
  }

  forClient(username: string | undefined, clientId: string): ClientAcl {
    return new ClientAcl(this, username, clientId);
  }
}
