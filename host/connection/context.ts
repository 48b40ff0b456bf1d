// What a connection uses from the broker around it (ConnectionContext, built once by the broker), and what the
// CONNECT handler settles for an accepted client (Negotiated). Generic in the connection type, so nothing here imports it.
import type { BrokerOptions } from "../config/options.ts";
import type { Framer } from "../core/framer.ts";
import type { PacketEncoder } from "../core/packet-encoder.ts";
import type { Will } from "../core/packets.ts";
import type { Records } from "../core/records.ts";
import type { Logger } from "../log.ts";
import type { PublishEncoder } from "../routing/publish-encoder.ts";
import type { Session } from "../session/session.ts";
import type { BrokerStats } from "../stats.ts";
import type { Security } from "../security/security.ts";
import type { Backpressure } from "./backpressure.ts";
import type { PacketSink } from "./inbound.ts";
import type { TimerWheel } from "./timeouts.ts";

/** What a connection uses from the broker around it. */
export interface ConnectionContext<C> {
  readonly options: BrokerOptions;
  readonly stats: BrokerStats;
  /** The limits' counters (a stalled partial packet). */
  readonly security: Security;
  readonly log: Logger;
  readonly framer: Framer;
  readonly records: Records;
  readonly encoder: PacketEncoder;
  readonly publishEncoder: PublishEncoder;
  readonly backpressure: Backpressure;
  readonly timeouts: TimerWheel;
  /** The packet handlers (handlers/index.ts). */
  readonly packets: PacketSink<C>;
  /** The connection closed (after its session detached); `wasConnected`: it had been accepted. */
  connectionClosed(connection: C, reasonCode: number, wasConnected: boolean): void;
}

/** What the CONNECT handler settles for an accepted client. */
export interface Negotiated {
  session: Session;
  will: Will | undefined;
  keepAlive: number;
  /** The client's Receive Maximum. */
  sendQuota: number;
  /** The client's Topic Alias Maximum: aliases we may set towards it [MQTT-3.1.2-27]. */
  topicAliasMaximum: number;
  authenticationMethod: string | undefined;
}
