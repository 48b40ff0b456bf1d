// The ws listener where uWebSockets.js has no native binary (its own JS fallback cannot upgrade with a
// chosen subprotocol): node:http plus the `ws` package, with the same paths, subprotocols, binary-only rule,
// backpressure and Transport contract as ws.ts.
import http from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { WsListenerConfig } from "../config/listeners.ts";
import { closeServer, listenOn } from "./tcp.ts";
import type { Listener, ListenerContext, Transport, TransportSink } from "./transport.ts";
import { pickSubprotocol, wsPaths } from "./ws-paths.ts";
import { WS_HIGH_WATER } from "./ws-transport.ts";

class WsFallbackTransport implements Transport {
  readonly kind = "ws";
  sink: TransportSink | undefined;
  private congested = false;

  constructor(private readonly ws: WebSocket, readonly remoteAddress: string, context: ListenerContext) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) return this.sink!.onData(data);
      // [MQTT-6.0.0-1] a data frame other than binary closes the connection.
      context.refuse("WebSocket text frame (MQTT needs binary frames)", remoteAddress);
      ws.close(1003, "MQTT needs binary frames");
    });
    ws.on("error", () => undefined); // close follows
    ws.on("close", (code: number) => {
      const error = code === 1000 || code === 1001 || code === 1005 ? undefined : new Error(`WebSocket closed with code ${code}`);
      this.sink?.onClose(error);
    });
  }

  bind(sink: TransportSink): void {
    this.sink = sink;
    (this.ws as WebSocket & { _socket: Duplex })._socket.on("drain", () => {
      if (!this.congested || this.ws.bufferedAmount > WS_HIGH_WATER) return;
      this.congested = false;
      sink.onDrain();
    });
  }

  write(buf: Uint8Array): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.send(buf, { binary: true });
    if (this.ws.bufferedAmount <= WS_HIGH_WATER) return true;
    this.congested = true;
    return false;
  }

  writev(bufs: Uint8Array[]): boolean {
    return this.write(Buffer.concat(bufs));
  }

  get writableLength(): number {
    return this.ws.bufferedAmount;
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  end(): void {
    this.ws.close(1000);
  }

  destroy(): void {
    this.ws.terminate();
  }
}

export class WsFallbackListener implements Listener {
  private readonly server: http.Server;

  constructor(private readonly config: WsListenerConfig & { host: string; port: number }, private readonly context: ListenerContext) {
    const paths = wsPaths(config);
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.maxPayloadLength ?? 16 << 20,
      perMessageDeflate: false,
      handleProtocols: (offered) => pickSubprotocol([...offered].join(",")) ?? false,
    });
    const reply = (socket: Duplex, status: string, text: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    };
    this.server = http.createServer((_request, response) => {
      response.writeHead(404, { "Content-Type": "text/plain" }).end(`MQTT over WebSocket is served at ${paths.join(", ")}\n`);
    });
    this.server.on("upgrade", (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const remoteAddress = request.socket.remoteAddress ?? "";
      if (!paths.includes((request.url ?? "").split("?")[0]!)) return reply(socket, "404 Not Found", `MQTT over WebSocket is served at ${paths.join(", ")}\n`);
      if (pickSubprotocol(String(request.headers["sec-websocket-protocol"] ?? "")) === undefined) {
        context.refuse("WebSocket upgrade without subprotocol mqtt or mqttv3.1", remoteAddress);
        return reply(socket, "400 Bad Request", "MQTT over WebSocket needs the subprotocol mqtt (or mqttv3.1) in Sec-WebSocket-Protocol\n");
      }
      wss.handleUpgrade(request, socket, head, (ws) => context.accept(new WsFallbackTransport(ws, remoteAddress, context)));
    });
  }

  listen(): Promise<{ host: string; port: number }> {
    return listenOn(this.server, this.config.host, this.config.port, this.context);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}
