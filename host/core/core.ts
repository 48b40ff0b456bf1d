// Loads the Wasm core synchronously and owns the typed views over its memory. Only host/core/ knows
// that pointers exist; everything above it sees plain values. Views are re-taken when memory grows.
import { readFileSync } from "node:fs";
import {
  H_RECORDS, H_FIELDS, H_MATCH_OUT, H_SCRATCH_IN, H_ENCODE_OUT, H_PROPS_IN,
} from "./layout.ts";

let compiled: WebAssembly.Module | undefined;

function module(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(new URL("../../build/core.wasm", import.meta.url)));
  return compiled;
}

/** The raw exports of assembly/index.ts, all integers. Codec and topic exports are typed where they are wrapped. */
export type CoreExports = Record<string, (...args: number[]) => number>;

/** One instance of the core with its own memory. Cheap enough to create one per test. */
export class Core {
  readonly memory: WebAssembly.Memory;
  readonly exports: CoreExports;
  /** Byte address of the HEADER block. */
  readonly headerAt: number;
  private buffer!: ArrayBuffer;
  bytes!: Uint8Array;
  words!: Int32Array;
  /** Word index of HEADER in `words`. */
  headerWord = 0;
  recordsWord = 0;
  fieldsWord = 0;
  matchOutWord = 0;
  propsInWord = 0;
  scratchIn = 0;
  encodeOut = 0;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: 256 });
    const instance = new WebAssembly.Instance(module(), {
      env: {
        memory: this.memory,
        abort: (_m: number, _f: number, line: number, col: number) => {
          throw new Error(`quarkmq core aborted at ${line}:${col}`);
        },
      },
    });
    this.exports = instance.exports as unknown as CoreExports;
    this.headerAt = this.exports.init!();
    this.refresh();
  }

  /** Re-takes the views if memory grew. Call after any export that may allocate (inboxReserve, subscribe ...). */
  refresh(): void {
    if (this.buffer === this.memory.buffer) return;
    this.buffer = this.memory.buffer;
    this.bytes = new Uint8Array(this.buffer);
    this.words = new Int32Array(this.buffer);
    this.headerWord = this.headerAt >> 2;
    const w = this.words, h = this.headerWord;
    this.recordsWord = w[h + H_RECORDS]! >> 2;
    this.fieldsWord = w[h + H_FIELDS]! >> 2;
    this.matchOutWord = w[h + H_MATCH_OUT]! >> 2;
    this.propsInWord = w[h + H_PROPS_IN]! >> 2;
    this.scratchIn = w[h + H_SCRATCH_IN]!;
    this.encodeOut = w[h + H_ENCODE_OUT]!;
  }

  /** Re-reads where MATCH_OUT is: a match with more results than it holds moves it to a larger block. */
  refreshMatchOut(): void {
    if (this.words.length === 0) this.refresh(); // a grown memory detaches the views (length 0)
    this.matchOutWord = this.words[this.headerWord + H_MATCH_OUT]! >> 2;
  }

  /** A HEADER word. */
  header(index: number): number {
    return this.words[this.headerWord + index]!;
  }

  /** Makes the inbox hold `size` bytes and returns its byte address. */
  inbox(size: number): number {
    const at = this.exports.inboxReserve!(size);
    if (at === 0) throw new RangeError(`quarkmq core: cannot reserve ${size} bytes of inbox`);
    this.refresh();
    return at;
  }
}
