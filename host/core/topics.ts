// TopicIndex: the host's view of the core's subscription trie and retained index. It writes a
// topic's UTF-8 into SCRATCH_IN, calls the export, and reads MATCH_OUT entries by index.
import type { Core, CoreExports } from "./core.ts";
import { MATCH_WORDS } from "./layout.ts";

/** The longest Topic Name or Filter, in bytes [MQTT-4.7.3-3]; put() refuses longer ones with one byte more,
 *  a length the core answers as invalid without reading SCRATCH_IN. */
const MAX_TOPIC_BYTES = 65535;

export class TopicIndex {
  private readonly core: Core;
  private readonly x: CoreExports;
  private memory!: Buffer;

  constructor(core: Core) {
    this.core = core;
    this.x = core.exports;
    this.view();
  }

  /** Re-takes the Buffer over linear memory after it grew (the old one is detached: length 0). */
  private view(): Buffer {
    this.core.refresh();
    if (this.memory === undefined || this.memory.length === 0) this.memory = Buffer.from(this.core.memory.buffer);
    return this.memory;
  }

  /** Writes a topic into SCRATCH_IN; returns its length in bytes, MAX_TOPIC_BYTES + 1 (not written) when longer. */
  private put(topic: string | Uint8Array): number {
    const memory = this.memory.length !== 0 ? this.memory : this.view(); // a grown memory detaches the old buffer
    if (typeof topic === "string") {
      const at = this.core.scratchIn, n = topic.length;
      if (n > MAX_TOPIC_BYTES / 3 && Buffer.byteLength(topic) > MAX_TOPIC_BYTES) return MAX_TOPIC_BYTES + 1;
      if (n > 64) return memory.write(topic, at, "utf8");
      for (let i = 0; i < n; i++) { // short ASCII inline: cheaper than a call into Buffer.write
        const c = topic.charCodeAt(i);
        if (c >= 0x80) return memory.write(topic, at, "utf8");
        memory[at + i] = c;
      }
      return n;
    }
    if (topic.length > MAX_TOPIC_BYTES) return MAX_TOPIC_BYTES + 1;
    memory.set(topic, this.core.scratchIn);
    return topic.length;
  }

  /** Copies bytes[offset, offset + length) (a packet's topic: at most 65535 bytes) to SCRATCH_IN without making a view of it. */
  private putRange(bytes: Uint8Array, offset: number, length: number): void {
    const memory = this.memory.length !== 0 ? this.memory : this.view(); // a grown memory detaches the old buffer
    const at = this.core.scratchIn;
    if (length > 64) memory.set(bytes.subarray(offset, offset + length), at);
    else for (let i = 0; i < length; i++) memory[at + i] = bytes[offset + i]!;
  }

  /** options = the SUBSCRIBE options byte; subscriptionId 0 = none. Returns 0 added, 1 replaced, or -reasonCode. */
  subscribe(subscriberId: number, topicFilter: string, options: number, subscriptionId: number): number {
    const length = this.put(topicFilter);
    return this.x.subscribe!(subscriberId, 0, length, options, subscriptionId);
  }

  unsubscribe(subscriberId: number, topicFilter: string): boolean {
    const length = this.put(topicFilter);
    return this.x.unsubscribe!(subscriberId, 0, length) === 1;
  }

  /** match() of the topic name at bytes[offset, offset + length), copied in without making a view of it. */
  matchIn(bytes: Uint8Array, offset: number, length: number, publisherId: number): number {
    this.putRange(bytes, offset, length);
    return this.matched(this.x.match!(0, length, publisherId));
  }

  /** publisherId: the publishing client's subscriberId (for no-local) or -1. Returns the number of recipients,
   *  all of them whatever their number; throws when the core's memory cannot grow to list them. */
  match(topicName: string | Uint8Array, publisherId: number): number {
    return this.matched(this.x.match!(0, this.put(topicName), publisherId));
  }

  /** After a match: re-takes the views a grown memory detached; throws when it could not grow enough. */
  private matched(count: number): number {
    if (this.memory.length === 0) this.view();
    this.core.refreshMatchOut();
    if (count < 0) throw new RangeError("quarkmq core: memory cannot grow to list the recipients of a match");
    return count;
  }

  matchSubscriber(k: number): number {
    return this.core.words[this.core.matchOutWord + k * MATCH_WORDS]!;
  }

  /** Bits 0-1 granted QoS (max over overlaps), MATCH_RAP_BIT, MATCH_SHARED_BIT. */
  matchOptions(k: number): number {
    return this.core.words[this.core.matchOutWord + k * MATCH_WORDS + 1]!;
  }

  /** v5 subscription identifiers of the matching subscriptions ([] when none). */
  matchSubscriptionIds(k: number): number[] {
    const words = this.core.words, at = this.core.matchOutWord + k * MATCH_WORDS;
    const first = words[at + 2]!, count = words[at + 3]!;
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(words[this.core.matchOutWord + first + i]!);
    return ids;
  }

  /** Previous id or -1 (or -reasonCode for an invalid Topic Name). */
  retainedSet(topicName: string | Uint8Array, retainedId: number): number {
    const length = this.put(topicName);
    return this.x.retainedSet!(0, length, retainedId);
  }

  /** retainedSet() of the topic name at bytes[offset, offset + length), copied in without making a view of it. */
  retainedSetIn(bytes: Uint8Array, offset: number, length: number, retainedId: number): number {
    this.putRange(bytes, offset, length);
    return this.x.retainedSet!(0, length, retainedId);
  }

  /** Removed id or -1. */
  retainedDelete(topicName: string | Uint8Array): number {
    const length = this.put(topicName);
    return this.x.retainedDelete!(0, length);
  }

  /** retainedIds whose Topic Name the filter matches. */
  retainedMatch(topicFilter: string): number[] {
    const length = this.put(topicFilter);
    const count = this.x.retainedMatch!(0, length);
    this.view();
    this.core.refreshMatchOut();
    if (count === -0x97) throw new RangeError("quarkmq core: memory cannot grow to list the retained matches");
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(this.core.words[this.core.matchOutWord + i]!);
    return ids;
  }

  checkTopicName(topicName: string): number {
    return this.x.checkTopicName!(0, this.put(topicName));
  }

  checkTopicFilter(topicFilter: string): number {
    return this.x.checkTopicFilter!(0, this.put(topicFilter));
  }

  get subscriptionCount(): number {
    return this.x.subscriptionCount!();
  }

  get retainedCount(): number {
    return this.x.retainedCount!();
  }
}
