// Outbound QoS 1/2 state of one session: packetId → stage (the QoS 1 and QoS 2 sender state
// machines, spec 4.3.2 / 4.3.3), and the queue of messages waiting for a free slot.
//
//   QoS 1:  Queued → AwaitPuback  ──PUBACK──► done
//   QoS 2:  Queued → AwaitPubrec  ──PUBREC──► AwaitPubcomp (PUBREL sent) ──PUBCOMP──► done
//           PUBREC with a reason code >= 0x80 ends the flow at AwaitPubrec.
import type { Message } from "../routing/message.ts";
import type { StoredEntry } from "../store/store.ts";

export enum OutboundStage {
  Queued,
  AwaitPuback,
  AwaitPubrec,
  AwaitPubcomp,
}

export interface Outbound {
  packetId: number;
  stage: OutboundStage;
  message: Message;
  qos: 1 | 2;
  retain: boolean;
  /** v5 subscription identifiers for this recipient. */
  subscriptionIds: number[] | undefined;
  /** Its record in the store, for a session with an expiry (others are never written). */
  stored?: StoredEntry;
}

/** FIFO of queued messages: an array with a head index, compacted now and then. */
export class OutboundQueue {
  private items: Outbound[] = [];
  private head = 0;
  private queuedBytes = 0;

  /** Payload bytes of the queued messages. */
  get bytes(): number {
    return this.queuedBytes;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: Outbound): void {
    this.items.push(item);
    this.queuedBytes += item.message.payloadLength;
  }

  /** The queued items, first to last. */
  *entries(): IterableIterator<Outbound> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }

  shift(): Outbound | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as Outbound;
    this.queuedBytes -= item.message.payloadLength;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
