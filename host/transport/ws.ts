// WebSocket (ws) and secure WebSocket (wss) listeners on uWebSockets.js: MQTT on the configured paths
// (default /mqtt), subprotocol mqtt or mqttv3.1 negotiated, binary messages only. wss reloads its
// certificate through uWS server names (SNI): see reloadCertificates().
import { readFileSync } from "node:fs";
import net from "node:net";
import type { AppOptions, HttpRequest, HttpResponse, TemplatedApp, us_listen_socket, us_socket_context_t, WebSocket, WebSocketBehavior } from "uWebSockets.js";
import type { WsListenerConfig, WssListenerConfig } from "../config/listeners.ts";
import { loadUws, type Uws } from "./uws.ts";
import { WsTransport, type WsData } from "./ws-transport.ts";
import { WsFallbackListener } from "./ws-fallback.ts";
import { pickSubprotocol, wsPaths } from "./ws-paths.ts";
import type { Listener, ListenerContext } from "./transport.ts";

const DEFAULT_MAX_PAYLOAD = 16 << 20;
/** Server names given their own context after a reload: any client can ask for any name, so they are capped. */
const MAX_SERVER_NAMES = 64;

type Config = (WsListenerConfig | WssListenerConfig) & { host: string; port: number };

/** uWS gives IPv4-mapped and IPv6 addresses in full hex form; node:net's shortest form reads better. */
function textAddress(raw: ArrayBuffer): string {
  const text = Buffer.from(raw).toString();
  const mapped = /^(?:0000:){5}ffff:([0-9a-f]{2})([0-9a-f]{2}):([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text);
  if (mapped) return mapped.slice(1).map((h) => parseInt(h, 16)).join(".");
  return net.isIPv6(text) ? new net.SocketAddress({ address: text, family: "ipv6" }).address : text;
}

export class WsListener implements Listener {
  private uws: Uws | undefined;
  private app: TemplatedApp | undefined;
  private token: us_listen_socket | undefined;
  private port = 0;
  /** ws without uWS's native binary: the `ws` package serves instead. */
  private fallback: WsFallbackListener | undefined;
  private readonly behavior: WebSocketBehavior<WsData>;
  /** wss: server names given a context from the files since the last reload. */
  private readonly serverNames = new Set<string>();
  private reloaded = false;

  constructor(private readonly config: Config, private readonly context: ListenerContext) {
    this.behavior = this.makeBehavior();
  }

  private makeBehavior(): WebSocketBehavior<WsData> {
    const { context, config } = this;
    const kind = config.type;
    return {
      maxPayloadLength: config.maxPayloadLength ?? DEFAULT_MAX_PAYLOAD,
      idleTimeout: 0, // MQTT keep-alive decides
      sendPingsAutomatically: false,
      maxBackpressure: 1 << 30, // our own limits (WS_HIGH_WATER, the session queue) come first
      closeOnBackpressureLimit: 0,
      upgrade: (res: HttpResponse, req: HttpRequest, socketContext: us_socket_context_t) => {
        const protocol = pickSubprotocol(req.getHeader("sec-websocket-protocol"));
        if (protocol === undefined) {
          context.refuse("WebSocket upgrade without subprotocol mqtt or mqttv3.1", textAddress(res.getRemoteAddressAsText()));
          res.writeStatus("400 Bad Request").writeHeader("Content-Type", "text/plain")
            .end("MQTT over WebSocket needs the subprotocol mqtt (or mqttv3.1) in Sec-WebSocket-Protocol\n");
          return;
        }
        res.upgrade<WsData>({ transport: undefined }, req.getHeader("sec-websocket-key"), protocol,
          req.getHeader("sec-websocket-extensions"), socketContext);
      },
      open: (ws: WebSocket<WsData>) => {
        const transport = new WsTransport(ws, kind, textAddress(ws.getRemoteAddressAsText()));
        ws.getUserData().transport = transport;
        context.accept(transport);
      },
      message: (ws: WebSocket<WsData>, message: ArrayBuffer, isBinary: boolean) => {
        const transport = ws.getUserData().transport!;
        if (isBinary) return transport.onMessage(message);
        // [MQTT-6.0.0-1] a data frame other than binary closes the connection.
        context.refuse("WebSocket text frame (MQTT needs binary frames)", transport.remoteAddress);
        ws.end(1003, "MQTT needs binary frames");
      },
      drain: (ws: WebSocket<WsData>) => ws.getUserData().transport?.onDrain(),
      close: (ws: WebSocket<WsData>, code: number) => ws.getUserData().transport?.onClose(code),
    };
  }

  private sslOptions(config: WssListenerConfig): AppOptions {
    return {
      cert_file_name: config.cert,
      key_file_name: config.key,
      ...(config.ca === undefined ? {} : { ca_file_name: config.ca }),
      ...(config.passphrase === undefined ? {} : { passphrase: config.passphrase }),
      ...(config.ciphers === undefined ? {} : { ssl_ciphers: config.ciphers }),
    };
  }

  /** The MQTT paths, and 404 elsewhere, on an app or one of its server names. */
  private route(app: TemplatedApp): void {
    const config = this.config;
    const paths = wsPaths(config);
    for (const path of paths) app.ws(path, this.behavior);
    app.any("/*", (res) => {
      res.writeStatus("404 Not Found").writeHeader("Content-Type", "text/plain")
        .end(`MQTT over WebSocket is served at ${paths.join(", ")}\n`);
    });
  }

  private createApp(uws: Uws): TemplatedApp {
    const config = this.config;
    if (config.type === "wss") {
      readFileSync(config.cert); // uWS only logs a bad file; say which one instead
      readFileSync(config.key);
    }
    const app = config.type === "wss" ? uws.SSLApp(this.sslOptions(config)) : uws.App();
    this.route(app);
    if (config.type === "wss") app.missingServerName((name) => this.onMissingServerName(name));
    return app;
  }

  private open(app: TemplatedApp, host: string, port: number): Promise<us_listen_socket> {
    return new Promise((resolve, reject) => {
      app.listen(host, port, (token) => {
        if (token === false) reject(new Error(`${this.config.type} listener: cannot listen on ${host}:${port}`));
        else resolve(token);
      });
    });
  }

  async listen(): Promise<{ host: string; port: number }> {
    const { uws, native } = await loadUws(this.context.log);
    if (!native) {
      const config = this.config;
      if (config.type === "wss") throw new Error("wss listener: uWebSockets.js has no native binary for this Node.js, and its JS fallback has no TLS");
      this.fallback = new WsFallbackListener(config, this.context);
      return this.fallback.listen();
    }
    this.uws = uws;
    this.app = this.createApp(uws);
    this.token = await this.open(this.app, this.config.host, this.config.port);
    this.port = uws.us_socket_local_port(this.token as never);
    return { host: this.config.host, port: this.port };
  }

  /**
   * wss: uWS cannot swap an SSLApp's certificate, nor (this build) reopen its port while connections from the
   * old socket live. So after a reload each server name a client asks for (SNI) gets a context read from the
   * files as they are now, with the MQTT routes on it; old connections keep theirs. A client that sends no
   * server name (connecting by IP address) still sees the certificate the listener started with.
   */
  async reloadCertificates(): Promise<void> {
    const config = this.config;
    const app = this.app;
    if (config.type !== "wss" || app === undefined) return;
    readFileSync(config.cert); // a missing file fails here, before the old contexts go
    readFileSync(config.key);
    for (const name of this.serverNames) app.removeServerName(name);
    this.serverNames.clear();
    this.reloaded = true;
  }

  /** uWS asks for a server name it has no context for (synchronously, mid-handshake). */
  private onMissingServerName(name: string): void {
    const app = this.app!;
    if (!this.reloaded || this.serverNames.size >= MAX_SERVER_NAMES || this.config.type !== "wss") return;
    this.serverNames.add(name);
    app.addServerName(name, this.sslOptions(this.config));
    this.route(app.domain(name));
  }

  async close(): Promise<void> {
    await this.fallback?.close();
    if (this.token !== undefined) this.uws!.us_listen_socket_close(this.token);
    this.token = undefined;
  }
}
