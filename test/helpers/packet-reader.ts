// What the raw test clients (TCP and WebSocket) share: bytes received kept as one stream, read back as
// whole MQTT packets, and a bounded wait for the server's close.

export class PacketReader {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  closed = false;

  /** Bytes from the server. */
  protected received(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.waiter?.();
  }

  /** The server closed the connection. */
  protected ended(): void {
    this.closed = true;
    this.waiter?.();
  }

  /** The next whole packet's bytes; rejects on close or after `timeoutMs`. */
  async packet(timeoutMs = 3000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const length = packetLength(this.buffered);
      if (length > 0 && this.buffered.length >= length) {
        const packet = this.buffered.subarray(0, length);
        this.buffered = this.buffered.subarray(length);
        return Buffer.from(packet);
      }
      if (this.closed) throw new Error("connection closed");
      await this.wait(deadline);
    }
  }

  /** Resolves true when the server closes the connection within `timeoutMs` (data before the close is kept). */
  protected async closedWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() >= deadline) return false;
      await this.wait(deadline).catch(() => {});
    }
    return true;
  }

  private wait(deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiter = undefined; reject(new Error("timeout waiting for bytes")); }, Math.max(0, deadline - Date.now()));
      this.waiter = () => { clearTimeout(timer); this.waiter = undefined; resolve(); };
    });
  }
}

/** Total length of the packet at the start of `bytes`, or 0 when its fixed header is incomplete. */
export function packetLength(bytes: Buffer): number {
  let remaining = 0;
  for (let i = 1; i <= 4; i++) {
    if (bytes.length <= i) return 0;
    const b = bytes[i]!;
    remaining += (b & 0x7f) * 128 ** (i - 1);
    if ((b & 0x80) === 0) return 1 + i + remaining;
  }
  return 0;
}
