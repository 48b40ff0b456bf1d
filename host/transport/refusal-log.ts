// Connections refused before MQTT (a listener's limit, a failed TLS or WebSocket handshake): each counted in
// stats.transportRefused, each reason logged once at warn and later at debug, so a flood cannot flood the log.
import type { Logger } from "../log.ts";
import type { BrokerStats } from "../stats.ts";

export class RefusalLog {
  /** Reasons already logged at warn. */
  private readonly reasons = new Set<string>();

  constructor(private readonly stats: BrokerStats, private readonly log: Logger) {}

  refused(reason: string, remoteAddress: string | undefined): void {
    this.stats.transportRefused++;
    if (this.reasons.has(reason)) return this.log.debug({ remoteAddress }, reason);
    this.reasons.add(reason);
    this.log.warn({ remoteAddress }, `${reason} (connection closed; logged once, counted in stats.transportRefused)`);
  }
}
