// How a connection's end is made sure of and awaited: close()'s fallback that destroys a transport still open 2 s
// after end(), and the promise behind Connection.closed. Made only when the connection closes or someone waits for
// the close: an idle connection carries none.
import type { Transport } from "../transport/transport.ts";

export class Closing {
  private waiter: { promise: Promise<void>; resolve: () => void } | undefined;
  private destroyTimer: NodeJS.Timeout | undefined;

  /** Ends the transport; destroys it if it has not closed 2 s later. */
  end(transport: Transport): void {
    transport.end();
    this.destroyTimer = setTimeout(destroyTransport, 2000, transport).unref();
  }

  /** The transport is gone: the fallback timer must not keep the connection for 2 s. */
  transportGone(): void {
    clearTimeout(this.destroyTimer);
  }

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

function destroyTransport(transport: Transport): void {
  transport.destroy();
}
