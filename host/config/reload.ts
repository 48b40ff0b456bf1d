// SIGHUP: re-read the password file and the ACL file without dropping a connection. A file that fails to parse
// keeps the old one in force and every error is logged with file and line; new ACL rules apply to the next
// check of every live connection (a subscription they no longer allow stops receiving).
import type { Logger } from "../log.ts";
import type { ResolvedConfig } from "./load.ts";
import { readPasswordFile } from "./password-file.ts";

export interface Reloadable {
  /** Re-reads the ACL file; returns its errors (none when the new rules are in force). */
  reloadAcl(): string[];
}

/** Reloads what can be reloaded; true when everything read cleanly. */
export function reloadAccess(config: ResolvedConfig, broker: Reloadable, log: Logger): boolean {
  let clean = true;
  const path = config.passwordFile;
  if (path !== undefined && config.userTable !== undefined) {
    try {
      const { users, warnings } = readPasswordFile(path);
      config.userTable.replace([...config.inlineUsers, ...users]);
      for (const warning of warnings) log.warn(warning);
      log.info({ passwordFile: path, users: users.length }, "password file reloaded");
    } catch (error) {
      clean = false;
      log.error({ passwordFile: path }, `password file not reloaded, the old one stays in force: ${(error as Error).message}`);
    }
  }
  if (config.options.aclFile === undefined) return clean;
  const errors = broker.reloadAcl();
  for (const error of errors) log.error(`ACL file not reloaded, the old one stays in force: ${error}`);
  if (errors.length > 0) clean = false;
  else log.info({ aclFile: config.options.aclFile }, "ACL file reloaded");
  return clean;
}
