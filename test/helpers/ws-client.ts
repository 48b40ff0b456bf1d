// A bare WebSocket client (the `ws` package) for exact-byte tests over ws:// and wss://: the RawClient of
// raw-client.ts over a WebSocket stream, so each send is one binary frame and what comes back is read as one
// byte stream of whole MQTT packets; plus text frames, reading paused, and the close code.
import type net from "node:net";
import WebSocket, { createWebSocketStream } from "ws";
import { RawClient } from "./raw-client.ts";

export class RawWsClient extends RawClient {
  private ws!: WebSocket;
  closeCode: number | undefined;

  /** Opens; rejects with the HTTP status (`unexpected status 400`) and body when the upgrade is refused. */
  static upgrade(url: string, protocols: string[] = ["mqtt"], options: WebSocket.ClientOptions = {}): Promise<RawWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, options);
      ws.once("open", () => {
        const stream = createWebSocketStream(ws);
        const client = new RawWsClient(stream as unknown as net.Socket);
        client.ws = ws;
        ws.on("close", (code) => {
          client.closeCode = code;
          setImmediate(() => stream.destroy()); // after the stream delivered what came before: RawClient sees the close
        });
        resolve(client);
      });
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

  /** The close code when the server closes within `ms`, else undefined. */
  async closedWith(ms?: number): Promise<number | undefined> {
    return (await this.waitClosed(ms)) ? this.closeCode : undefined;
  }
}
