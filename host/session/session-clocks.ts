// A disconnected session's two clocks: its expiry (v5 3.1.2.11.2) and a delayed will (v5 3.1.3.2.2), each up to
// 0xFFFFFFFE s (long-timer.ts). session.ts makes one when it first needs it and says what each does when it fires.
import type { Will } from "../core/packets.ts";
import { LongTimer } from "./long-timer.ts";

/** Session Expiry Interval meaning "never expires". */
export const NEVER_EXPIRES = 0xffffffff;

export class SessionClocks {
  private expiryTimer: LongTimer | undefined;
  private willTimer: LongTimer | undefined;
  private pending: Will | undefined;

  constructor(private readonly expire: () => void, private readonly publish: (will: Will) => void) {}

  /** The will waiting for its delay to run out, if any. */
  get pendingWill(): Will | undefined {
    return this.pending;
  }

  /** A connection attached: neither clock runs, and a delayed will is dropped [MQTT-3.1.3-9]. */
  cancel(): void {
    this.expiryTimer?.cancel();
    this.willTimer?.cancel();
    this.pending = undefined;
  }

  /** The session ends `seconds` from now. */
  expireIn(seconds: number): void {
    (this.expiryTimer ??= new LongTimer(this.expire)).start(seconds);
  }

  /** The will goes out `seconds` from now unless a connection attaches first. */
  delayWill(will: Will, seconds: number): void {
    this.pending = will;
    (this.willTimer ??= new LongTimer(() => this.publishPendingWill())).start(seconds);
  }

  /** Restart: the expiry runs on from `since` (the last disconnect); returns a will whose delay ran out while the
   *  broker was down, for the caller to publish, or lets its remaining delay run. */
  restore(expiry: number, since: number, will: Will | undefined, now: number): Will | undefined {
    if (expiry !== NEVER_EXPIRES) this.expireIn((since + expiry * 1000 - now) / 1000);
    if (will === undefined) return undefined;
    const dueAt = since + Math.min(will.properties.willDelayInterval ?? 0, expiry) * 1000;
    if (dueAt <= now) return will;
    this.delayWill(will, (dueAt - now) / 1000);
    return undefined;
  }

  /** A delayed will goes out now, if there is one. */
  publishPendingWill(): void {
    const will = this.pending;
    this.pending = undefined;
    this.willTimer?.cancel();
    if (will !== undefined) this.publish(will);
  }

  /** The session ended: no expiry any more. */
  stopExpiry(): void {
    this.expiryTimer?.cancel();
  }

  /** Both clocks off, nothing published (broker close). */
  stop(): void {
    this.expiryTimer?.cancel();
    this.willTimer?.cancel();
  }
}
