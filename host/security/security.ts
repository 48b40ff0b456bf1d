// The broker's security state in one place: the ACL file in force, failed logins per address, sockets per
// address, the enhanced authentication methods, and a plain counters object (every limit hit, every refusal)
// for metrics and $SYS. The handlers ask it; it owns nothing else.
import type { BrokerOptions } from "../config/options.ts";
import { AclStore } from "./acl-store.ts";
import type { AuthMethods } from "./auth-method.ts";
import type { ClientAcl } from "./client-acl.ts";
import { LoginThrottle } from "./login-throttle.ts";
import { newSecurityCounters, type SecurityCounters } from "./counters.ts";

export type { SecurityCounters } from "./counters.ts";

export class Security {
  readonly acl: AclStore | undefined;
  readonly logins = new LoginThrottle();
  readonly authMethods: AuthMethods;
  readonly counters: SecurityCounters = newSecurityCounters();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly options: BrokerOptions) {
    this.acl = options.aclFile === undefined ? undefined : AclStore.load(options.aclFile, this.counters);
    this.authMethods = options.authMethods ?? {};
  }

  /** A socket arrived while `open` admitted ones are open (the broker's connection set): false when it is over
   *  maxConnections or maxConnectionsPerAddress (counted). */
  admit(address: string, open: number): boolean {
    const { maxConnections, maxConnectionsPerAddress } = this.options;
    if (maxConnections > 0 && open >= maxConnections) {
      this.counters.connectionsRefused++;
      return false;
    }
    if (maxConnectionsPerAddress > 0) { // sockets per address are counted only under a limit (it is not reloaded)
      const mine = this.perAddress.get(address) ?? 0;
      if (mine >= maxConnectionsPerAddress) {
        this.counters.connectionsRefusedPerAddress++;
        return false;
      }
      this.perAddress.set(address, mine + 1);
    }
    return true;
  }

  /** An admitted socket closed. */
  release(address: string): void {
    if (this.options.maxConnectionsPerAddress === 0) return;
    const mine = (this.perAddress.get(address) ?? 1) - 1;
    if (mine <= 0) this.perAddress.delete(address);
    else this.perAddress.set(address, mine);
  }

  /** The compiled rules for a client, or undefined when no ACL file is configured (then nothing is checked). */
  aclFor(username: string | undefined, clientId: string): ClientAcl | undefined {
    return this.acl?.forClient(username, clientId);
  }

  /** SIGHUP: re-reads the ACL file; the errors, none when the new rules are in force. */
  reloadAcl(): string[] {
    return this.acl?.reload() ?? [];
  }
}
