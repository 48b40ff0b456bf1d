// A raw MQTT client over node:net for spec tests: sends exact bytes, reads whole packets, and waits for
// exact reply bytes, a v5 DISCONNECT, the socket's close or silence, every wait bounded by a timeout.
import net from "node:net";
import { expect } from "vitest";
import { hex, T } from "./packets.ts";

export const WAIT_MS = 3000;

export class RawClient {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on("close", () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on("error", () => {});
  }

  static open(port: number, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new RawClient(socket)));
      socket.setNoDelay(true);
      socket.once("error", reject);
    });
  }

  get isClosed(): boolean {
    return this.ended;
  }

  send(...packets: Uint8Array[]): this {
    for (const p of packets) if (!this.ended) this.socket.write(p);
    return this;
  }

  /** Waits until `ready()` holds, the socket closes or the timeout passes; returns whether ready() held. */
  private async until(ready: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      const left = deadline - Date.now();
      if (this.ended || left <= 0) return ready();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return true;
  }

  /** Length of the first whole packet in the buffer, or 0. */
  private wholePacket(): number {
    let n = 0;
    let mul = 1;
    for (let i = 1; i < 5 && i < this.buffer.length; i++) {
      const b = this.buffer[i]!;
      n += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return this.buffer.length >= 1 + i + n ? 1 + i + n : 0;
    }
    return 0;
  }

  /** The next whole packet received, or undefined when the socket closed or `ms` passed first. */
  async nextPacket(ms = WAIT_MS): Promise<Buffer | undefined> {
    if (!(await this.until(() => this.wholePacket() > 0, ms))) return undefined;
    const n = this.wholePacket();
    const p = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return Buffer.from(p);
  }

  /** Expects exactly these packets next, in order, byte for byte (compared as hex for readable diffs). */
  async expect(...packets: Uint8Array[]): Promise<void> {
    for (const want of packets) {
      const got = await this.nextPacket();
      expect(got ? hex(got) : this.ended ? "(closed)" : "(nothing)").toBe(hex(want));
    }
  }

  /** Expects the next packet to be of this type (high nibble of the first byte); returns it for field checks. */
  async expectType(first: number): Promise<Buffer> {
    const got = await this.nextPacket();
    const seen = got ? `type ${hex([got[0]! & 0xf0])}` : this.ended ? "(closed)" : "(nothing)";
    expect(seen).toBe(`type ${hex([first & 0xf0])}`);
    return got!;
  }

  /** Expects the server to close the connection without sending anything more. */
  async expectClose(ms = WAIT_MS): Promise<void> {
    await this.until(() => false, ms);
    expect(hex(this.buffer), "bytes before the close").toBe("");
    expect(this.ended, "the connection is closed").toBe(true);
  }

  /** Expects a v5 DISCONNECT with this reason code (or one of these), properties such as a Reason String allowed, then the close. */
  async expectDisconnect(reasonCode: number | number[], ms = WAIT_MS): Promise<void> {
    const codes = (Array.isArray(reasonCode) ? reasonCode : [reasonCode]).map((c) => hex([c]));
    const got = await this.nextPacket(ms);
    const seen = got ? `${hex(got.subarray(0, 1))} rc ${hex(got.subarray(2, 3)) || "00"}` : this.ended ? "(closed)" : "(nothing)";
    expect(codes.map((c) => `${hex([T.DISCONNECT])} rc ${c}`), `received ${seen}`).toContain(seen);
    await this.expectClose(ms);
  }

  /** Expects a v5 DISCONNECT with this reason code (or one of these), or (where the spec lets the server just close) a bare close. */
  async expectDisconnectOrClose(reasonCode: number | number[], ms = WAIT_MS): Promise<void> {
    if (this.buffer.length === 0 && (await this.until(() => this.buffer.length > 0, ms)) === false) {
      return this.expectClose(0);
    }
    return this.expectDisconnect(reasonCode, ms);
  }

  /**
   * Expects a refused CONNECT: either a bare close, or a CONNACK (Session Present 0) whose return/reason code
   * is one of `codes` followed by the close. With no codes only the bare close is accepted.
   */
  async expectRefusal(codes: number[] = [], ms = WAIT_MS): Promise<void> {
    await this.until(() => this.wholePacket() > 0 || this.ended, ms);
    if (this.buffer.length > 0 && codes.length > 0) {
      const got = (await this.nextPacket(0))!;
      expect(`type ${hex([got[0]!])} sessionPresent ${got[2]}`).toBe(`type ${hex([T.CONNACK])} sessionPresent 0`);
      expect(codes.map((c) => hex([c])), `CONNACK code ${hex([got[3]!])}`).toContain(hex([got[3]!]));
    }
    await this.expectClose(ms);
  }

  /** Every whole packet that arrives within `ms`. */
  async collect(ms = 300): Promise<Buffer[]> {
    const out: Buffer[] = [];
    const deadline = Date.now() + ms;
    for (let p = await this.nextPacket(ms); p; p = await this.nextPacket(Math.max(0, deadline - Date.now()))) out.push(p);
    return out;
  }

  /** Expects nothing to arrive (and no close) for `ms`. */
  async expectSilence(ms = 300): Promise<void> {
    await this.until(() => this.buffer.length > 0 || this.ended, ms);
    expect(hex(this.buffer), "unexpected bytes").toBe("");
    expect(this.ended, "unexpected close").toBe(false);
  }

  close(): void {
    this.socket.destroy();
  }
}
