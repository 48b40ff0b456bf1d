// A bare WebSocket client (the `ws` package) for exact-byte tests over ws:// and wss://: each send is one
// binary (or text) frame; what comes back is read as one byte stream of whole MQTT packets.
import WebSocket from "ws";
import { packetLength } from "./raw-client.ts";

export class RawWsClient {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  closeCode: number | undefined;
  closed = false;
  /** Binary messages received (a message may hold several packets or part of one). */
  messages = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      this.messages++;
      this.buffered = Buffer.concat([this.buffered, data]);
      this.waiter?.();
    });
    ws.on("error", () => {});
    ws.on("close", (code) => {
      this.closeCode = code;
      this.closed = true;
      this.waiter?.();
    });
  }

  /** Opens; rejects with the HTTP status (`unexpected status 400`) when the upgrade is refused. */
  static open(url: string, protocols: string[] = ["mqtt"], options: WebSocket.ClientOptions = {}): Promise<RawWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, options);
      ws.once("open", () => resolve(new RawWsClient(ws)));
      ws.once("unexpected-response", (_request, response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => { body += chunk.toString(); });
        response.on("end", () => reject(Object.assign(new Error(`unexpected status ${response.statusCode}`), { status: response.statusCode, body })));
      });
      ws.once("error", reject);
    });
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  /** One binary frame. */
  send(bytes: number[] | Uint8Array): void {
    this.ws.send(Uint8Array.from(bytes), { binary: true });
  }

  sendText(text: string): void {
    this.ws.send(text, { binary: false });
  }

  /** Stops reading from the socket (the server's writes pile up in its buffers), or starts again. */
  pauseReading(): void {
    this.ws.pause();
  }

  resumeReading(): void {
    this.ws.resume();
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

  /** Resolves with the close code when the server closes within `timeoutMs`, else undefined. */
  async waitClosed(timeoutMs = 3000): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() >= deadline) return undefined;
      await this.wait(deadline).catch(() => {});
    }
    return this.closeCode;
  }

  private wait(deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiter = undefined; reject(new Error("timeout waiting for bytes")); }, Math.max(0, deadline - Date.now()));
      this.waiter = () => { clearTimeout(timer); this.waiter = undefined; resolve(); };
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
