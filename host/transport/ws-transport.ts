// One MQTT connection over a uWebSockets.js WebSocket: each binary message is a chunk of the byte stream
// (a packet may span messages, a message may hold several packets); writes go out as binary messages, and
// the socket's buffered amount is the Transport's writableLength, so backpressure works as on TCP.
import type { WebSocket } from "uWebSockets.js";
import type { Transport, TransportKind, TransportSink } from "./transport.ts";

/** write() says false (congested) above this many buffered bytes; onDrain fires once below it again. */
export const WS_HIGH_WATER = 64 * 1024;
/** Bytes received while paused (uWS cannot stop reading) before the connection is closed. */
export const WS_HELD_LIMIT = 16 << 20;

export interface WsData {
  transport: WsTransport | undefined;
}

export class WsTransport implements Transport {
  sink: TransportSink | undefined;
  /** The socket, until its close handler ran (uWS sockets are invalid after it). */
  private ws: WebSocket<WsData> | undefined;
  private congested = false;
  private paused = false;
  private held: Buffer[] | undefined;
  private heldBytes = 0;

  constructor(ws: WebSocket<WsData>, readonly kind: TransportKind, readonly remoteAddress: string) {
    this.ws = ws;
  }

  bind(sink: TransportSink): void {
    this.sink = sink;
  }

  /** A binary message: copied (uWS neuters the ArrayBuffer after the handler returns), then delivered or held.
   *  The sink frames the byte stream, not the messages [MQTT-6.0.0-2]. */
  onMessage(message: ArrayBuffer): void {
    const chunk = Buffer.copyBytesFrom(new Uint8Array(message));
    if (!this.paused) return this.sink!.onData(chunk);
    (this.held ??= []).push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes > WS_HELD_LIMIT) this.destroy();
  }

  onDrain(): void {
    if (!this.congested || this.ws === undefined || this.ws.getBufferedAmount() > WS_HIGH_WATER) return;
    this.congested = false;
    this.sink!.onDrain();
  }

  /** uWS ran its close handler (possibly inside end()/close()): tell the sink after the caller's step. */
  onClose(code: number): void {
    this.ws = undefined;
    this.held = undefined;
    const error = code === 1000 || code === 1001 || code === 1005 ? undefined : new Error(`WebSocket closed with code ${code}`);
    queueMicrotask(() => this.sink?.onClose(error));
  }

  private sent(ws: WebSocket<WsData>, ok: boolean): boolean {
    if (!ok) { // over uWS's own maxBackpressure: the message was dropped, so the byte stream is broken
      this.destroy();
      return false;
    }
    if (ws.getBufferedAmount() <= WS_HIGH_WATER) return true;
    this.congested = true;
    return false;
  }

  write(buf: Uint8Array): boolean {
    const ws = this.ws;
    if (ws === undefined) return false;
    let status = 0;
    ws.cork(() => { status = ws.send(buf, true); });
    return this.sent(ws, status !== 2);
  }

  /** One WebSocket message in fragments, one per buffer: no copy to join them. (Fragments are never dropped
   *  while the buffered amount stays under maxBackpressure, which the broker's own limits keep it below.) */
  writev(bufs: Uint8Array[]): boolean {
    const ws = this.ws;
    if (ws === undefined) return false;
    if (bufs.length === 1) return this.write(bufs[0]!);
    ws.cork(() => {
      ws.sendFirstFragment(bufs[0]!, true);
      for (let i = 1; i < bufs.length - 1; i++) ws.sendFragment(bufs[i]!);
      ws.sendLastFragment(bufs[bufs.length - 1]!);
    });
    return this.sent(ws, true);
  }

  get writableLength(): number {
    return this.ws === undefined ? 0 : this.ws.getBufferedAmount();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    if (held === undefined) return;
    while (held.length > 0 && !this.paused && this.ws !== undefined) {
      const chunk = held.shift()!;
      this.heldBytes -= chunk.length;
      this.sink!.onData(chunk);
    }
    if (held.length === 0 && this.held === held) this.held = undefined;
  }

  end(): void {
    this.ws?.end(1000);
  }

  destroy(): void {
    this.ws?.close();
  }
}
