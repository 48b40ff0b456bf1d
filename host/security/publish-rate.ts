// A client's publish rate as two token buckets (messages/s and bytes/s, each holding one second's worth).
// A client over its rate is slowed first: its reads pause until the buckets are back to zero. A client still
// over its rate after `graceMs` of being slowed is disconnected (0x96 Message rate too high).
export interface PublishRateLimits {
  /** PUBLISH packets per second; 0 = no limit. */
  messagesPerSecond: number;
  /** PUBLISH payload bytes per second; 0 = no limit. */
  bytesPerSecond: number;
  /** How long a client may stay over its rate, slowed, before it is disconnected (ms). */
  graceMs: number;
}

/** What to do after a PUBLISH: go on, pause reads for `ms`, or disconnect. */
export const Disconnect = -1;

export class PublishRate {
  private messages: number;
  private bytes: number;
  private last: number;
  /** When the client first went over its rate without coming back under it since (0: not over). */
  private overSince = 0;

  constructor(private readonly limits: PublishRateLimits, now = Date.now()) {
    this.messages = limits.messagesPerSecond;
    this.bytes = limits.bytesPerSecond;
    this.last = now;
  }

  /** Takes one PUBLISH of `payloadBytes`; returns 0 (go on), the pause in ms, or Disconnect. */
  take(payloadBytes: number, now = Date.now()): number {
    const { messagesPerSecond: m, bytesPerSecond: b } = this.limits;
    const elapsed = (now - this.last) / 1000;
    this.last = now;
    let wait = 0;
    if (m > 0) {
      this.messages = Math.min(m, this.messages + elapsed * m) - 1;
      if (this.messages < 0) wait = Math.max(wait, (-this.messages / m) * 1000);
    }
    if (b > 0) {
      this.bytes = Math.min(b, this.bytes + elapsed * b) - payloadBytes;
      if (this.bytes < 0) wait = Math.max(wait, (-this.bytes / b) * 1000);
    }
    if (wait === 0) {
      this.overSince = 0;
      return 0;
    }
    if (this.overSince === 0) this.overSince = now;
    else if (now - this.overSince > this.limits.graceMs) return Disconnect;
    return Math.ceil(wait);
  }
}
