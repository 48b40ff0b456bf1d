// The broker's security state in one place: the ACL file in force, failed logins per address, sockets per
// address, the enhanced authentication methods, and a plain counters object (every limit hit, every refusal)
// for metrics and $SYS. The handlers ask it; it owns nothing else.
import type { BrokerOptions } from "../config/options.ts";
import { AclStore } from "./acl-store.ts";
import type { AuthMethods } from "./auth-method.ts";
import type { ClientAcl } from "./client-acl.ts";
import { LoginThrottle } from "./login-throttle.ts";

/** Counts of every limit hit and refusal, since start. */
export interface SecurityCounters {
  /** Sockets refused at accept: over maxConnections / over maxConnectionsPerAddress. */
  connectionsRefused: number;
  connectionsRefusedPerAddress: number;
  /** CONNECTs refused for bad credentials or authorization (each one delayed per its address). */
  loginFailures: number;
  clientIdTooLong: number;
  subscriptionsOverLimit: number;
  topicLevelsOverLimit: number;
  /** Times a client was slowed for its publish rate, and disconnected with 0x96 for staying over it. */
  publishRateSlowed: number;
  publishRateDisconnects: number;
  /** Connections closed for an incomplete packet that stopped arriving. */
  partialPacketTimeouts: number;
  /** PUBLISH / SUBSCRIBE / delivery / will refused by the ACL file. */
  aclPublishDenied: number;
  aclSubscribeDenied: number;
  aclDeliveryDenied: number;
  aclWillDenied: number;
  /** QoS 0 messages dropped for a subscriber past its limit; QoS 1/2 dropped oldest-first; slow clients disconnected. */
  slowSubscriberDrops: number;
  slowSubscriberQueueDrops: number;
  slowSubscriberDisconnects: number;
}

export class Security {
  readonly acl: AclStore | undefined;
  readonly logins = new LoginThrottle();
  readonly authMethods: AuthMethods;
  readonly counters: SecurityCounters = {
    connectionsRefused: 0, connectionsRefusedPerAddress: 0, loginFailures: 0, clientIdTooLong: 0,
    subscriptionsOverLimit: 0, topicLevelsOverLimit: 0, publishRateSlowed: 0, publishRateDisconnects: 0,
    partialPacketTimeouts: 0, aclPublishDenied: 0, aclSubscribeDenied: 0, aclDeliveryDenied: 0, aclWillDenied: 0,
    slowSubscriberDrops: 0, slowSubscriberQueueDrops: 0, slowSubscriberDisconnects: 0,
  };
  private readonly perAddress = new Map<string, number>();
  private open = 0;

  constructor(private readonly options: BrokerOptions) {
    this.acl = options.aclFile === undefined ? undefined : AclStore.load(options.aclFile);
    this.authMethods = options.authMethods ?? {};
  }

  /** A socket arrived: false when it is over maxConnections or maxConnectionsPerAddress (counted). */
  admit(address: string): boolean {
    const { maxConnections, maxConnectionsPerAddress } = this.options;
    if (maxConnections > 0 && this.open >= maxConnections) {
      this.counters.connectionsRefused++;
      return false;
    }
    const mine = this.perAddress.get(address) ?? 0;
    if (maxConnectionsPerAddress > 0 && mine >= maxConnectionsPerAddress) {
      this.counters.connectionsRefusedPerAddress++;
      return false;
    }
    this.open++;
    this.perAddress.set(address, mine + 1);
    return true;
  }

  /** An admitted socket closed. */
  release(address: string): void {
    this.open--;
    const mine = (this.perAddress.get(address) ?? 1) - 1;
    if (mine <= 0) this.perAddress.delete(address);
    else this.perAddress.set(address, mine);
  }

  /** The compiled rules for a client, or undefined when no ACL file is configured (then nothing is checked). */
  aclFor(username: string | undefined, clientId: string): ClientAcl | undefined {
    return this.acl?.forClient(username, clientId);
  }

  /** `acl` itself, or a fresh one when the file was reloaded since it was compiled. */
  current(acl: ClientAcl): ClientAcl {
    const store = this.acl!;
    return acl.generation === store.generation ? acl : store.forClient(acl.username, acl.clientId);
  }

  /** SIGHUP: re-reads the ACL file; the errors, none when the new rules are in force. */
  reloadAcl(): string[] {
    return this.acl?.reload() ?? [];
  }
}
