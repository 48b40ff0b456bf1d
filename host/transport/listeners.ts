// Opens the configured listeners (tcp, tls, ws, wss) for a broker, reports where each listens, reloads
// their certificates, and closes them; one place that knows every transport.
import type { ListenerAddress, ResolvedListener } from "../config/listeners.ts";
import { TcpListener } from "./tcp.ts";
import { TlsListener } from "./tls.ts";
import type { Listener, ListenerContext } from "./transport.ts";
import { WsListener } from "./ws.ts";

function create(config: ResolvedListener, context: ListenerContext): Listener {
  switch (config.type) {
    case "tcp": return new TcpListener(config, context);
    case "tls": return new TlsListener(config, context);
    case "ws": case "wss": return new WsListener(config, context);
  }
}

export class Listeners {
  private readonly open: Listener[] = [];

  constructor(private readonly context: ListenerContext) {}

  /** Opens every listener in order; if one fails, the ones already open are closed and the error thrown. */
  async listen(configs: ResolvedListener[]): Promise<ListenerAddress[]> {
    const addresses: ListenerAddress[] = [];
    for (const config of configs) {
      try {
        const listener = create(config, this.context); // tls reads its files here: a bad one throws
        const address = await listener.listen();
        this.open.push(listener);
        addresses.push({ type: config.type, ...address });
      } catch (error) {
        await this.close();
        throw error;
      }
    }
    return addresses;
  }

  /** Re-reads certificate and key files for new connections (tls, wss); open connections keep theirs. */
  async reloadCertificates(): Promise<void> {
    for (const listener of this.open) await listener.reloadCertificates?.();
  }

  async close(): Promise<void> {
    const open = this.open.splice(0);
    await Promise.all(open.map((listener) => listener.close()));
  }
}
