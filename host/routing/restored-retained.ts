// Retained messages restored from the store and not delivered yet, by retainedId: where their bytes are, in columns
// of numbers (no object a message), each made into a Message the first time a subscription matches it. A million
// long-lived objects made at a restart would cost the garbage collector more than reading the store does.
import type { Properties } from "../core/packets.ts";
import type { RestoredRetained } from "../store/store.ts";
import { Message } from "./message.ts";

export class RestoredRetainedTable {
  /** The byte arrays the records are in (the store's slabs), referenced by index. */
  private readonly slabs: Buffer[] = [];
  /** slabs index + 1 by retainedId; 0: none held. */
  private slab = new Int32Array(1024);
  private topicOffset = new Int32Array(1024);
  private topicLength = new Int32Array(1024);
  private payloadOffset = new Int32Array(1024);
  private payloadLength = new Int32Array(1024);
  private qos = new Uint8Array(1024);
  private expiresAt = new Float64Array(1024);
  /** The few that have v5 properties. */
  private readonly properties = new Map<number, Properties>();

  add(id: number, record: RestoredRetained): void {
    if (id >= this.slab.length) this.grow(id + 1);
    const slabs = this.slabs;
    if (slabs.length === 0 || slabs[slabs.length - 1] !== record.bytes) slabs.push(record.bytes);
    this.slab[id] = slabs.length;
    this.topicOffset[id] = record.topicOffset;
    this.topicLength[id] = record.topicLength;
    this.payloadOffset[id] = record.payloadOffset;
    this.payloadLength[id] = record.payloadLength;
    this.qos[id] = record.qos;
    this.expiresAt[id] = record.expiresAt;
    if (record.properties !== undefined) this.properties.set(id, record.properties);
  }

  /** True when it held `id` (which it no longer does). */
  delete(id: number): boolean {
    if (id >= this.slab.length || this.slab[id] === 0) return false;
    this.slab[id] = 0;
    this.properties.delete(id);
    return true;
  }

  /** The message of `id` (no longer held here: the caller keeps it), or undefined when it holds none. */
  take(id: number): Message | undefined {
    if (id >= this.slab.length || this.slab[id] === 0) return undefined;
    const message = Message.received(this.slabs[this.slab[id]! - 1]!, this.topicOffset[id]!, this.topicLength[id]!,
      this.payloadOffset[id]!, this.payloadLength[id]!, this.qos[id] as 0 | 1 | 2, true, this.properties.get(id),
      this.expiresAt[id]!, -1, 0);
    this.delete(id);
    return message;
  }

  private grow(size: number): void {
    let length = this.slab.length * 2;
    while (length < size) length *= 2;
    this.slab = grown(this.slab, new Int32Array(length));
    this.topicOffset = grown(this.topicOffset, new Int32Array(length));
    this.topicLength = grown(this.topicLength, new Int32Array(length));
    this.payloadOffset = grown(this.payloadOffset, new Int32Array(length));
    this.payloadLength = grown(this.payloadLength, new Int32Array(length));
    this.qos = grown(this.qos, new Uint8Array(length));
    this.expiresAt = grown(this.expiresAt, new Float64Array(length));
  }
}

function grown<T extends Int32Array | Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
