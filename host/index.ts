// quarkmq's public API: createBroker() and the types an embedding service uses.
import { Broker } from "./broker.ts";
import type { BrokerOptions } from "./config/options.ts";

export { Broker } from "./broker.ts";
export type { PublishOptions } from "./broker.ts";
export type { BrokerEvents, ClientErrorEvent } from "./notify.ts";
export type { BrokerStats } from "./stats.ts";
export type { BrokerMessage } from "./routing/local.ts";
export type { BrokerOptions, ListenerOptions } from "./config/options.ts";
export { defaultOptions } from "./config/options.ts";
export type { ListenerAddress, ListenerConfig, ListenerType, TlsSettings } from "./config/listeners.ts";
export type { TransportKind } from "./transport/transport.ts";
export type { IdentityField } from "./security/certificate-identity.ts";
export type * from "./hooks.ts";
export type { Properties } from "./core/packets.ts";
export { ReasonCode } from "./protocol/reason-code.ts";
export { MqttError } from "./protocol/mqtt-error.ts";
export type { Store } from "./store/store.ts";
export { MemoryStore } from "./store/memory.ts";
export { LmdbStore } from "./store/lmdb.ts";
export { StoreOpenError } from "./store/data-dir.ts";

/** Creates a broker (call listen() to open its listeners). Logs nothing unless logLevel or logger is set. */
export async function createBroker(options: Partial<BrokerOptions> = {}): Promise<Broker> {
  const broker = new Broker(options);
  await broker.start();
  return broker;
}
