// The promise behind Connection.closed, made only once someone waits for the close: an idle connection carries none.
export class ClosedSignal {
  private waiter: { promise: Promise<void>; resolve: () => void } | undefined;

  /** Resolved by resolve(); the same promise for every caller. */
  get promise(): Promise<void> {
    if (this.waiter === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => { resolve = r; });
      this.waiter = { promise, resolve };
    }
    return this.waiter.promise;
  }

  resolve(): void {
    this.waiter?.resolve();
  }
}
