// The one notification path: each event the embedding service can observe goes to its hook (hooks.ts onX) and
// then to the broker's EventEmitter listeners, from here only. Whether anyone listens is kept up to date from
// newListener/removeListener, so a publish nobody observes costs one boolean read.
import type { EventEmitter } from "node:events";
import type { ClientInfo, DisconnectEvent, Hooks, PublishEvent, SubscribeEvent } from "./hooks.ts";

export interface ClientErrorEvent {
  client: ClientInfo;
  reasonCode: number;
  error: Error;
}

export interface BrokerEvents {
  clientConnect: [ClientInfo];
  clientDisconnect: [DisconnectEvent];
  publish: [PublishEvent];
  subscribe: [SubscribeEvent];
  clientError: [ClientErrorEvent];
}

type EventName = keyof BrokerEvents;

export class Notifier {
  private readonly listeners: Record<EventName, number> = { clientConnect: 0, clientDisconnect: 0, publish: 0, subscribe: 0, clientError: 0 };
  /** A publish is observed (hook or listener): only then is its event object made. */
  private publishObserved: boolean;
  private readonly added = (name: string) => this.count(name, 1);
  private readonly removed = (name: string) => this.count(name, -1);

  constructor(private readonly hooks: Hooks, private readonly emitter: EventEmitter<BrokerEvents>) {
    this.publishObserved = hooks.onPublish !== undefined;
    this.watch();
  }

  /** Counts the listeners afresh and (again) follows newListener/removeListener: called at start and after
   *  removeAllListeners(), which may have removed this notifier's own listeners. */
  watch(): void {
    const emitter = this.emitter as unknown as EventEmitter;
    if (!emitter.listeners("newListener").includes(this.added)) emitter.on("newListener", this.added);
    if (!emitter.listeners("removeListener").includes(this.removed)) emitter.on("removeListener", this.removed);
    for (const name of Object.keys(this.listeners) as EventName[]) this.listeners[name] = emitter.listenerCount(name);
    this.publishObserved = this.hooks.onPublish !== undefined || this.listeners.publish > 0;
  }

  /** True when published() would reach someone: build the PublishEvent only then. */
  get observesPublish(): boolean {
    return this.publishObserved;
  }

  clientConnected(client: ClientInfo): void {
    this.hooks.onConnect?.({ client });
    if (this.listeners.clientConnect > 0) this.emitter.emit("clientConnect", client);
  }

  clientDisconnected(client: ClientInfo, reasonCode: number): void {
    const event = { client, reasonCode };
    this.hooks.onDisconnect?.(event);
    if (this.listeners.clientDisconnect > 0) this.emitter.emit("clientDisconnect", event);
  }

  published(event: PublishEvent): void {
    this.hooks.onPublish?.(event);
    if (this.listeners.publish > 0) this.emitter.emit("publish", event);
  }

  subscribed(event: SubscribeEvent): void {
    this.hooks.onSubscribe?.(event);
    if (this.listeners.subscribe > 0) this.emitter.emit("subscribe", event);
  }

  /** A connection ended for a protocol violation or a failing handler (there is no hook for it). */
  clientError(event: ClientErrorEvent): void {
    if (this.listeners.clientError > 0) this.emitter.emit("clientError", event);
  }

  private count(name: string, delta: number): void {
    if (!Object.hasOwn(this.listeners, name)) return;
    this.listeners[name as EventName] += delta;
    this.publishObserved = this.hooks.onPublish !== undefined || this.listeners.publish > 0;
  }
}
