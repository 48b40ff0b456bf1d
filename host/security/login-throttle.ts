// Failed logins counted per remote address and slowed down: the refusing CONNACK of an address with n recent
// failures waits 100 ms x 2^(n-1), at most 5 s. Only that connection waits (a timer, never the event loop);
// 10 quiet minutes forget the address; at most 100,000 addresses are remembered (oldest first out). A success is
// never delayed, so nothing needs resetting on one (and a known account cannot wash an address's record).
const baseDelay = 100;
const maxDelay = 5_000;
const forgetAfter = 10 * 60_000;
const maxAddresses = 100_000;

interface Failures {
  count: number;
  last: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  /** Records a failure; returns how long to hold the refusal, in ms. */
  failed(address: string | undefined, now = Date.now()): number {
    if (address === undefined) return 0;
    let entry = this.failures.get(address);
    if (entry === undefined || now - entry.last > forgetAfter) entry = { count: 0, last: now };
    else this.failures.delete(address); // re-inserted below: the map stays ordered by last failure
    entry.count++;
    entry.last = now;
    this.failures.set(address, entry);
    if (this.failures.size > maxAddresses) this.failures.delete(this.failures.keys().next().value!);
    return Math.min(maxDelay, baseDelay * 2 ** Math.min(entry.count - 1, 16));
  }

  /** Addresses with recent failures (for metrics). */
  get addresses(): number {
    return this.failures.size;
  }
}
