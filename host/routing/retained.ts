// Retained messages (spec 3.3.1.3): messages by retainedId in an array (restored ones in a table until first
// matched), topic → retainedId in the core's retained index, each change also written to the store. Stored copies
// own their bytes (they outlive the chunk they came in).
import type { TopicIndex } from "../core/topics.ts";
import type { RestoredRetained, Store } from "../store/store.ts";
import { Message } from "./message.ts";
import { RestoredRetainedTable } from "./restored-retained.ts";

/** `$SYS/...` values are the broker's own (http/sys-topics.ts), published afresh after every start: never written
 *  to the store, so a $SYS update costs no disk commit. */
function durable(message: Message): boolean {
  const topic = message.topic;
  return !(topic.length > 5 && topic[0] === 0x24 && topic[1] === 0x53 && topic[2] === 0x59 && topic[3] === 0x53 && topic[4] === 0x2f); // "$SYS/"
}

export class RetainedStore {
  private readonly messages: Array<Message | undefined> = [];
  private readonly freeIds: number[] = [];
  /** Restored messages not matched yet (messages[id] undefined for them). */
  private readonly restored = new RestoredRetainedTable();
  private stored = 0;

  constructor(private readonly topics: TopicIndex, private readonly store: Store) {}

  /** Retained messages held. */
  get count(): number {
    return this.stored;
  }

  /** Stores, replaces, or (empty payload) deletes the retained message of a topic [MQTT-3.3.1-5]. */
  set(message: Message): void {
    if (message.payload.length === 0) { // v5 [MQTT-3.3.1-6] [MQTT-3.3.1-7], v3.1.1 [MQTT-3.3.1-10] [MQTT-3.3.1-11]
      if (this.release(this.topics.retainedDelete(message.topic)) && durable(message)) this.store.deleteRetained(message.topicName);
      return;
    }
    const stored = new Message(Buffer.from(message.topic), Buffer.from(message.payload), message.qos, true,
      message.properties, message.expiresAt);
    const { topicName, payload, qos, properties, expiresAt } = stored;
    if (durable(stored)) this.store.putRetained({ topicName, payload, qos, retain: true, properties, expiresAt });
    this.add(stored);
  }

  /** Restart: a message loaded from the store, left where the store read it until a subscription matches it. */
  restore(record: RestoredRetained): void {
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.messages.push(undefined) - 1;
    this.restored.add(id, record);
    this.stored++;
    this.release(this.topics.retainedSetIn(record.bytes, record.topicOffset, record.topicLength, id));
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
      const message = this.messages[id] ?? (this.messages[id] = this.restored.take(id));
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
    if (id < 0 || (this.messages[id] === undefined && !this.restored.delete(id))) return false;
    this.messages[id] = undefined;
    this.freeIds.push(id);
    this.stored--;
    return true;
  }
}
