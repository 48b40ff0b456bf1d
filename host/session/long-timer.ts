// A one-shot timer for delays of any length in seconds: Node's setTimeout takes at most 2^31-1 ms
// (about 24.8 days) and fires after 1 ms beyond that, so longer delays are chained in steps.

/** The longest delay setTimeout honours, in milliseconds. */
export const MAX_TIMEOUT_MS = 0x7fffffff;

export class LongTimer {
  private timer: NodeJS.Timeout | undefined;
  private deadline = 0;

  constructor(private readonly fire: () => void) {}

  /** (Re)starts the timer to fire `seconds` from now. */
  start(seconds: number): void {
    this.cancel();
    this.deadline = Date.now() + seconds * 1000;
    this.arm();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  private arm(): void {
    const left = this.deadline - Date.now();
    if (left > MAX_TIMEOUT_MS) {
      this.timer = setTimeout(() => this.arm(), MAX_TIMEOUT_MS);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, Math.max(left, 0));
  }
}
