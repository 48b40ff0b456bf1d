// TCP transport over node:net (TLS sockets use it too): one Transport per socket, and a listener that
// hands each accepted socket to the broker, after a PROXY protocol header where the listener asks for one.
import net from "node:net";
import type { PeerCertificate } from "node:tls";
import type { IdentityField } from "../security/certificate-identity.ts";
import type { TcpListenerConfig } from "../config/listeners.ts";
import { readProxyHeader } from "./proxy-protocol.ts";
import type { Listener, ListenerContext, Transport, TransportKind, TransportSink } from "./transport.ts";

/** The transport of a socket, for the socket listeners below (shared by every socket: no closures per connection). */
const TRANSPORT = Symbol("quarkmq.transport");
type BoundSocket = net.Socket & { [TRANSPORT]: TcpTransport };

function onData(this: BoundSocket, chunk: Buffer): void {
  this[TRANSPORT].sink!.onData(chunk);
}

function onDrain(this: BoundSocket): void {
  this[TRANSPORT].sink!.onDrain();
}

function onError(this: BoundSocket, error: Error): void {
  this[TRANSPORT].failure = error;
}

function onClose(this: BoundSocket): void {
  const transport = this[TRANSPORT];
  transport.closed = true;
  transport.sink!.onClose(transport.failure);
}

export class TcpTransport implements Transport {
  readonly remoteAddress: string;
  closed = false;
  sink: TransportSink | undefined;
  failure: Error | undefined;

  constructor(private readonly socket: net.Socket, readonly kind: TransportKind = "tcp", remoteAddress?: string,
              readonly certificate?: PeerCertificate, readonly identityAs?: IdentityField) {
    this.remoteAddress = remoteAddress ?? socket.remoteAddress ?? "";
  }

  bind(sink: TransportSink): void {
    const socket = this.socket as BoundSocket;
    this.sink = sink;
    socket[TRANSPORT] = this;
    socket.on("data", onData);
    socket.on("drain", onDrain);
    socket.on("error", onError);
    socket.on("close", onClose);
    socket.resume(); // a socket handed on after a PROXY header was paused
  }

  write(buf: Uint8Array): boolean {
    if (this.closed || this.socket.destroyed) return false;
    return this.socket.write(buf);
  }

  writev(bufs: Uint8Array[]): boolean {
    if (this.closed || this.socket.destroyed) return false;
    const socket = this.socket;
    socket.cork();
    let ok = true;
    for (let i = 0; i < bufs.length; i++) ok = socket.write(bufs[i]!);
    socket.uncork();
    return ok;
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export class TcpListener implements Listener {
  private readonly server: net.Server;

  constructor(private readonly config: TcpListenerConfig & { host: string; port: number }, private readonly context: ListenerContext) {
    this.server = net.createServer({ noDelay: true }, config.proxyProtocol === true
      ? (socket) => readProxyHeader(socket, context.headerTimeout,
        (remoteAddress) => context.accept(new TcpTransport(socket, "tcp", remoteAddress)),
        (reason) => context.refuse(reason, socket.remoteAddress))
      : (socket) => context.accept(new TcpTransport(socket)));
  }

  listen(): Promise<{ host: string; port: number }> {
    return listenOn(this.server, this.config.host, this.config.port, this.context);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}

/** Listens; resolves with the bound address (the port picked when 0 was asked). Later errors (accept failing
 *  for want of file descriptors) are logged. */
export function listenOn(server: net.Server, host: string, port: number, context: ListenerContext): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      server.on("error", (error) => context.log.warn({ err: error, host, port }, "listener error"));
      const address = server.address() as net.AddressInfo;
      resolve({ host: address.address, port: address.port });
    });
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
