// Framing on the host side: copies a chunk into the core's inbox and frames every whole packet in it with one
// export call. Each call returns its results (record count; consumed, needLength, level in the caller's FrameResult).
import type { Core } from "./core.ts";
import { H_CONSUMED, H_INBOX, H_INBOX_CAPACITY, H_NEED_LENGTH, H_PROTOCOL_LEVEL, MAX_RECORDS } from "./layout.ts";

/** Most records one framing call writes: a chunk with more packets takes more calls. */
export { MAX_RECORDS };

type FrameExports = {
  frame(length: number, protocolLevel: number, maxPacketSize: number): number;
  frameHead(length: number, total: number, protocolLevel: number, maxPacketSize: number): number;
};

/** The most of one packet frameHead() copies into the core: a PUBLISH's topic and properties must fit in it
 *  (its payload need not), any other packet entirely. Keeps the inbox, and so Wasm memory, small. */
export const HEAD_BYTES = 1 << 20;

/** What one frame() or frameHead() call found, written into an object its caller passes (reused: nothing is allocated
 *  per chunk); like the records, valid until the next framing call. */
export class FrameResult {
  /** Records written (whole packets, an error record last). */
  count = 0;
  /** Bytes of the input the records cover; the rest is an incomplete tail (or follows an error record). */
  consumed = 0;
  /** Length of the incomplete packet at `consumed` once its fixed header is in, else 0. */
  needLength = 0;
  /** The protocol level after the call: the one given, or that of a CONNECT framed in this input. */
  protocolLevel = 0;
}

export class Framer {
  private readonly core: Core;
  private readonly x: FrameExports;
  /** A Buffer over the core's memory (re-taken when memory grows and detaches it). */
  private memory: Buffer;

  constructor(core: Core) {
    this.core = core;
    this.x = core.exports as unknown as FrameExports;
    this.memory = Buffer.from(core.memory.buffer);
  }

  /** Copies bytes[0,length) into the inbox and frames every whole packet; returns the record count (also in
   *  `result`). Records are then read through Records, their offsets index into `bytes`. maxPacketSize 0: no limit. */
  frame(bytes: Uint8Array, length: number, protocolLevel: number, maxPacketSize: number, result: FrameResult): number {
    this.copyIn(length === bytes.length ? bytes : bytes.subarray(0, length), length);
    return this.results(this.x.frame(length, protocolLevel, maxPacketSize), result, true);
  }

  /** Frames one whole packet, `bytes` exactly, copying at most HEAD_BYTES of it into the core: a longer PUBLISH
   *  is framed from its head (payload offset and length still index into `bytes`), any other longer packet
   *  gives an error record -0x95. Returns the record count, 1. */
  frameHead(bytes: Uint8Array, protocolLevel: number, maxPacketSize: number, result: FrameResult): number {
    const total = bytes.length;
    if (total <= HEAD_BYTES) return this.frame(bytes, total, protocolLevel, maxPacketSize, result);
    this.copyIn(bytes.subarray(0, HEAD_BYTES), HEAD_BYTES);
    return this.results(this.x.frameHead(HEAD_BYTES, total, protocolLevel, maxPacketSize), result, false);
  }

  private copyIn(bytes: Uint8Array, length: number): void {
    const core = this.core;
    if (this.memory.length === 0) this.rebind();
    const at = core.header(H_INBOX_CAPACITY) >= length ? core.header(H_INBOX) : core.inbox(length);
    if (this.memory.length === 0) this.rebind(); // inbox() may have grown memory
    this.memory.set(bytes, at);
  }

  private results(count: number, result: FrameResult, whole: boolean): number {
    const words = this.core.words, h = this.core.headerWord;
    result.count = count;
    result.consumed = words[h + H_CONSUMED]!;
    result.needLength = whole ? words[h + H_NEED_LENGTH]! : 0;
    result.protocolLevel = words[h + H_PROTOCOL_LEVEL]!;
    return count;
  }

  /** Memory grew since the last call: the old view is detached, take the new one. */
  private rebind(): void {
    this.core.refresh();
    this.memory = Buffer.from(this.core.memory.buffer);
  }
}
