// Retained messages (spec 3.3.1.3): messages by retainedId in an array, topic → retainedId in the
// core's retained index, each change also written to the store. Stored copies own their bytes (they
// outlive the chunk they came in).
import type { TopicIndex } from "../core/topics.ts";
import type { Store } from "../store/store.ts";
import { Message } from "./message.ts";

export class RetainedStore {
  private readonly messages: Array<Message | undefined> = [];
  private readonly freeIds: number[] = [];
  private stored = 0;

  constructor(private readonly topics: TopicIndex, private readonly store: Store) {}

  /** Retained messages held. */
  get count(): number {
    return this.stored;
  }

  /** Stores, replaces, or (empty payload) deletes the retained message of a topic [MQTT-3.3.1-5]. */
  set(message: Message): void {
    if (message.payload.length === 0) { // v5 [MQTT-3.3.1-6] [MQTT-3.3.1-7], v3.1.1 [MQTT-3.3.1-10] [MQTT-3.3.1-11]
      if (this.release(this.topics.retainedDelete(message.topic))) this.store.deleteRetained(message.topicName);
      return;
    }
    const stored = new Message(Buffer.from(message.topic), Buffer.from(message.payload), message.qos, true,
      message.properties, message.expiresAt);
    const { topicName, payload, qos, properties, expiresAt } = stored;
    this.store.putRetained({ topicName, payload, qos, retain: true, properties, expiresAt });
    this.add(stored);
  }

  /** Restart: a message loaded from the store. */
  restore(message: Message): void {
    this.add(message);
  }

  private add(stored: Message): void {
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.messages.length;
    this.messages[id] = stored;
    this.stored++;
    this.release(this.topics.retainedSet(stored.topic, id));
  }

  /** Retained messages whose topic matches a filter; expired ones are deleted on the way [MQTT-3.3.2-5]. */
  match(topicFilter: string, now: number): Message[] {
    const ids = this.topics.retainedMatch(topicFilter);
    const out: Message[] = [];
    for (const id of ids) {
      const message = this.messages[id];
      if (message === undefined) continue;
      if (message.expiresAt !== 0 && message.expiresAt <= now) {
        if (this.release(this.topics.retainedDelete(message.topic))) this.store.deleteRetained(message.topicName);
        continue;
      }
      out.push(message);
    }
    return out;
  }

  private release(id: number): boolean {
    if (id < 0 || this.messages[id] === undefined) return false;
    this.messages[id] = undefined;
    this.freeIds.push(id);
    this.stored--;
    return true;
  }
}
