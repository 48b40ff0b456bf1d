// TCP transport over node:net: one Transport per socket, and a listener that hands each accepted
// socket to the broker.
import net from "node:net";
import type { Listener, Transport, TransportSink } from "./transport.ts";

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

  constructor(private readonly socket: net.Socket) {
    this.remoteAddress = socket.remoteAddress ?? "";
  }

  bind(sink: TransportSink): void {
    const socket = this.socket as BoundSocket;
    this.sink = sink;
    socket[TRANSPORT] = this;
    socket.on("data", onData);
    socket.on("drain", onDrain);
    socket.on("error", onError);
    socket.on("close", onClose);
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

  constructor(private readonly host: string, private readonly port: number, accept: (transport: Transport) => void) {
    this.server = net.createServer({ noDelay: true }, (socket) => accept(new TcpTransport(socket)));
  }

  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off("error", reject);
        const address = this.server.address() as net.AddressInfo;
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }
}
