// What the publishes of one read chunk reached, tallied per delivery by routing/route.ts (no allocation): flow control
// (connection/backpressure.ts) holds the publisher back only when every reader it reached is behind, and lets a reader
// that is behind go at once when the same publisher also feeds one that keeps up (it will not be held for it).
import type { Outlet } from "../session/outlet.ts";

export class Reach {
  /** The last reader reached that was not behind then (it may have fallen behind since, on this chunk's messages). */
  private keptUp: Outlet | undefined;
  /** The last reader reached that was behind. */
  private behindReader: Outlet | undefined;
  /** An in-process subscription got one of the chunk's messages (it never falls behind). */
  private local = false;

  /** A new chunk. */
  reset(): void {
    this.keptUp = undefined;
    this.behindReader = undefined;
    this.local = false;
  }

  /** One delivery to a connected reader; one let go as slow neither holds the publisher nor frees it. */
  reached(outlet: Outlet): void {
    if (outlet.behind) this.behindReader = outlet;
    else if (!outlet.slow) this.keptUp = outlet;
  }

  reachedLocal(): void {
    this.local = true;
  }

  /** Once the chunk is handled: some reader it reached keeps up. */
  private get keepsUp(): boolean {
    return this.local || (this.keptUp !== undefined && !this.keptUp.behind);
  }

  /** The reader to wait for when every reader reached is behind (or let go); undefined when one keeps up. */
  get waitFor(): Outlet | undefined {
    return this.keepsUp ? undefined : this.behindReader ?? this.keptUp;
  }

  /** A reader that is behind, reached along with one that keeps up: the publisher goes on, so it is let go. */
  get outpaced(): Outlet | undefined {
    return this.keepsUp ? this.behindReader : undefined;
  }
}
