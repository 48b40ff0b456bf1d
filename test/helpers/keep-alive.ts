// The band a keep-alive close must fall in (3.1.2.10), measured from the client's last packet: still open at 1.2 x
// Keep Alive, closed by 1.5 x Keep Alive plus two timer-wheel ticks (host/connection/timeouts.ts) and 100 ms of delivery.
import { TICK_MS } from "../../host/connection/timeouts.ts";

export interface KeepAliveBand {
  /** Until then the connection must be open. */
  openUntil: number;
  /** By then it must be closed. */
  closedBy: number;
}

export function keepAliveBand(lastPacketAt: number, keepAliveSeconds: number): KeepAliveBand {
  const ms = keepAliveSeconds * 1000;
  return { openUntil: lastPacketAt + 1.2 * ms, closedBy: lastPacketAt + 1.5 * ms + 2 * TICK_MS + 100 };
}

export const sleepUntil = (at: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
