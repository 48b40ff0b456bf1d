// The one bare TCP client of test/ (and bench/): sends exact bytes, reads whole MQTT packets back, sees the close;
// every wait bounded by a timeout. No assertions and no vitest here: test/spec/support/spec-client.ts adds those.
import net from "node:net";
import type { Bytes } from "./packets.ts";

export const WAIT_MS = 3000;

export class RawClient {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on("close", () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on("error", () => {});
  }

  /** A connected client of this class (or a subclass) to 127.0.0.1 (or `host`) at `port`. */
  static open<C extends RawClient>(this: new (socket: net.Socket) => C, port: number, host = "127.0.0.1"): Promise<C> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new this(socket)));
      socket.setNoDelay(true);
      socket.once("error", reject);
    });
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Bytes received and not yet read as a whole packet. */
  get pending(): Buffer {
    return this.buffer;
  }

  send(...packets: Bytes[]): this {
    for (const p of packets) if (!this.ended) this.socket.write(Uint8Array.from(p as ArrayLike<number>));
    return this;
  }

  /** Waits until `ready()` holds, the socket closes or `ms` passes; returns whether ready() held. */
  protected async until(ready: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      const left = deadline - Date.now();
      if (this.ended || left <= 0) return ready();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return true;
  }

  /** Length of the first whole packet in the buffer, or 0. */
  private wholePacket(): number {
    let n = 0;
    let mul = 1;
    for (let i = 1; i < 5 && i < this.buffer.length; i++) {
      const b = this.buffer[i]!;
      n += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return this.buffer.length >= 1 + i + n ? 1 + i + n : 0;
    }
    return 0;
  }

  /** The next whole packet received, or undefined when the socket closed or `ms` passed first. */
  async nextPacket(ms = WAIT_MS): Promise<Buffer | undefined> {
    if (!(await this.until(() => this.wholePacket() > 0, ms))) return undefined;
    const n = this.wholePacket();
    const p = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return Buffer.from(p);
  }

  /** The next whole packet; rejects when the socket closes or `ms` passes first. */
  async packet(ms = WAIT_MS): Promise<Buffer> {
    const got = await this.nextPacket(ms);
    if (got) return got;
    throw new Error(this.ended ? "connection closed" : "timeout waiting for bytes");
  }

  /** Resolves true when the server closes the connection within `ms` (data before the close is kept). */
  async waitClosed(ms = WAIT_MS): Promise<boolean> {
    await this.until(() => this.ended, ms);
    return this.ended;
  }

  /** Every whole packet that arrives within `ms`. */
  async collect(ms = 300): Promise<Buffer[]> {
    const out: Buffer[] = [];
    const deadline = Date.now() + ms;
    for (let p = await this.nextPacket(ms); p; p = await this.nextPacket(Math.max(0, deadline - Date.now()))) out.push(p);
    return out;
  }

  close(): void {
    this.socket.destroy();
  }
}
