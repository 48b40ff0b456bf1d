// TLS listener over node:tls: certificate files re-read by reloadCertificates() (SIGHUP) without dropping
// connections, optional client certificates (the verified one reaches the client record), and an
// optional PROXY protocol header read off the raw socket before the TLS handshake starts.
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { certificateIdentityProblem, type TlsListenerConfig, type TlsSettings } from "../config/listeners.ts";
import { readProxyHeader } from "./proxy-protocol.ts";
import { closeServer, listenOn, TcpTransport } from "./tcp.ts";
import type { Listener, ListenerContext } from "./transport.ts";

/** The files and settings of a secure context, read now (so a reload sees the files as they are). */
export function secureContextOptions(settings: TlsSettings): tls.SecureContextOptions {
  return {
    cert: readFileSync(settings.cert),
    key: readFileSync(settings.key),
    ca: settings.ca === undefined ? undefined : readFileSync(settings.ca),
    passphrase: settings.passphrase,
    minVersion: settings.minVersion ?? "TLSv1.2",
    ciphers: settings.ciphers,
  };
}

/** The raw socket under a server-side TLS socket (node:tls keeps it as `_parent`). */
function rawSocket(socket: tls.TLSSocket): net.Socket | undefined {
  return (socket as tls.TLSSocket & { _parent?: net.Socket })._parent;
}

export class TlsListener implements Listener {
  private readonly server: tls.Server;
  /** Takes connections when PROXY headers come first; hands them to `server` once the header is read. */
  private readonly front: net.Server | undefined;
  private readonly proxied = new WeakMap<net.Socket, string>();

  constructor(private readonly config: TlsListenerConfig & { host: string; port: number }, private readonly context: ListenerContext) {
    const identityProblem = certificateIdentityProblem(config);
    if (identityProblem !== undefined) throw new Error(`tls listener on port ${config.port}: ${identityProblem}`);
    const requestCert = config.requestCert === true || config.requireCert === true;
    this.server = tls.createServer({
      ...secureContextOptions(config),
      noDelay: true,
      requestCert,
      // Checked in onSecure instead, so a refused certificate is counted and logged with its reason.
      rejectUnauthorized: false,
      handshakeTimeout: context.headerTimeout,
    });
    this.server.on("secureConnection", (socket) => this.onSecure(socket));
    this.server.on("tlsClientError", (error: Error & { code?: string }, socket) => {
      context.refuse(`TLS handshake failed: ${error.code ?? error.message}`, this.addressOf(socket));
    });
    if (config.proxyProtocol === true) {
      this.front = net.createServer({ noDelay: true }, (socket) => readProxyHeader(socket, context.headerTimeout,
        (remoteAddress) => {
          this.proxied.set(socket, remoteAddress);
          this.server.emit("connection", socket);
        },
        (reason) => context.refuse(reason, socket.remoteAddress)));
    }
  }

  private addressOf(socket: tls.TLSSocket): string {
    const raw = rawSocket(socket);
    return (raw === undefined ? undefined : this.proxied.get(raw)) ?? socket.remoteAddress ?? "";
  }

  private onSecure(socket: tls.TLSSocket): void {
    const remoteAddress = this.addressOf(socket);
    if (this.config.requireCert === true && !socket.authorized) {
      this.context.refuse(`client certificate refused: ${String(socket.authorizationError ?? "none given")}`, remoteAddress);
      socket.destroy();
      return;
    }
    const certificate = socket.authorized ? socket.getPeerCertificate() : undefined;
    this.context.accept(new TcpTransport(socket, "tls", remoteAddress, certificate, this.config.useIdentityAs));
  }

  listen(): Promise<{ host: string; port: number }> {
    return listenOn(this.front ?? this.server, this.config.host, this.config.port, this.context);
  }

  async reloadCertificates(): Promise<void> {
    this.server.setSecureContext(secureContextOptions(this.config));
  }

  close(): Promise<void> {
    return closeServer(this.front ?? this.server);
  }
}
