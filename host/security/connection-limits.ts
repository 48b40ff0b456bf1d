// Per-connection limits on what a client sends: its publish rate (security/publish-rate.ts: reads paused, then
// DISCONNECT 0x96) and an incomplete packet that stops arriving (closed after partialPacketTimeout). State lives
// in maps here, made only for connections that need it: a broker without rate limits pays nothing per PUBLISH.
import type { BrokerOptions } from "../config/options.ts";
import { Lifecycle } from "../connection/lifecycle.ts";
import type { ClientInfo } from "../hooks.ts";
import type { Logger } from "../log.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import type { SecurityCounters } from "./counters.ts";
import { Disconnect, PublishRate } from "./publish-rate.ts";

/** What these limits touch of a connection. */
export interface LimitedConnection {
  readonly state: Lifecycle;
  readonly client: ClientInfo;
  holdReading(hold: boolean): void;
  disconnect(reasonCode: number): void;
}

export interface LimitServices {
  readonly options: BrokerOptions;
  readonly log: Logger;
  readonly security: { readonly counters: SecurityCounters };
}

const rates = new Map<LimitedConnection, PublishRate>();
const stalls = new Map<LimitedConnection, NodeJS.Timeout>();
/** Connections whose reads this file paused, until its timer resumes them. */
const slowed = new Set<LimitedConnection>();

/** Counts one PUBLISH against the client's rate: pauses its reads when over, throws 0x96 when it stays over. */
export function takePublish(services: LimitServices, connection: LimitedConnection, payloadLength: number): void {
  const options = services.options;
  if (options.maxPublishRate === 0 && options.maxPublishBytesRate === 0) return;
  let rate = rates.get(connection);
  if (rate === undefined) {
    rate = new PublishRate({ messagesPerSecond: options.maxPublishRate, bytesPerSecond: options.maxPublishBytesRate, graceMs: options.publishRateGrace * 1000 });
    rates.set(connection, rate);
  }
  const wait = rate.take(payloadLength);
  if (wait === 0) return;
  const counters = services.security.counters;
  if (wait === Disconnect) {
    counters.publishRateDisconnects++;
    throw new MqttError(ReasonCode.MessageRateTooHigh, "publish rate over the limit for longer than publishRateGrace");
  }
  if (slowed.has(connection)) return; // already paused; the timer that paused it resumes it
  counters.publishRateSlowed++;
  slowed.add(connection);
  connection.holdReading(true);
  setTimeout(() => {
    slowed.delete(connection);
    if (connection.state !== Lifecycle.Closed) connection.holdReading(false);
  }, wait).unref();
}

/** After each chunk: a connection holding an incomplete packet is closed if no byte comes for partialPacketTimeout. */
export function watchPartial(services: LimitServices, connection: LimitedConnection, partial: boolean): void {
  const timer = stalls.size > 0 ? stalls.get(connection) : undefined;
  if (!partial) {
    if (timer !== undefined) {
      clearTimeout(timer);
      stalls.delete(connection);
    }
    return;
  }
  if (timer !== undefined) {
    timer.refresh(); // bytes arrived: the wait starts over
    return;
  }
  stalls.set(connection, setTimeout(() => {
    stalls.delete(connection);
    if (connection.state === Lifecycle.Closed) return;
    services.security.counters.partialPacketTimeouts++;
    services.log.info({ clientId: connection.client.clientId, remoteAddress: connection.client.remoteAddress }, "incomplete packet stalled: closing");
    connection.disconnect(ReasonCode.KeepAliveTimeout);
  }, services.options.partialPacketTimeout * 1000).unref());
}

/** The connection closed: forget its state. */
export function forgetConnection(connection: LimitedConnection): void {
  if (rates.size > 0) rates.delete(connection);
  if (stalls.size > 0) {
    clearTimeout(stalls.get(connection));
    stalls.delete(connection);
  }
}
