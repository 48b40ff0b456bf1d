// A bare WebSocket client (the `ws` package) for exact-byte tests over ws:// and wss://: each send is one
// binary (or text) frame; what comes back is read as one byte stream of whole MQTT packets.
import WebSocket from "ws";
import { PacketReader } from "./packet-reader.ts";

export class RawWsClient extends PacketReader {
  closeCode: number | undefined;

  private constructor(private readonly ws: WebSocket) {
    super();
    ws.on("message", (data: Buffer) => this.received(data));
    ws.on("error", () => {});
    ws.on("close", (code) => {
      this.closeCode = code;
      this.ended();
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

  /** Resolves with the close code when the server closes within `timeoutMs`, else undefined. */
  async waitClosed(timeoutMs = 3000): Promise<number | undefined> {
    return (await this.closedWithin(timeoutMs)) ? this.closeCode : undefined;
  }

  close(): void {
    this.ws.terminate();
  }
}
