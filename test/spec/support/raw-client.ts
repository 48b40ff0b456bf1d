// A raw MQTT client over node:net for spec tests: sends exact bytes, reads whole packets, and waits for
// exact reply bytes, a v5 DISCONNECT, the socket's close or silence, every wait bounded by a timeout.
import net from "node:net";
import { expect } from "vitest";
import { connack, disconnect, hex, T } from "../../helpers/packets.ts";

/** Set when the spec tests run against the reference broker (support/mosquitto.ts) instead of quarkmq. */
const referenceBroker = process.env.SPEC_BROKER === "mosquitto";

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

  /**
   * Expects the server's v5 DISCONNECT with exactly this reason code (no properties), then the close. Against the
   * reference broker (SPEC_BROKER=mosquitto) the lenient check below stands in.
   */
  async expectDisconnect(reasonCode: number, ms = WAIT_MS): Promise<void> {
    if (referenceBroker) return this.expectDisconnectOrBareCloseFromReferenceBroker(ms);
    const got = await this.nextPacket(ms);
    expect(got ? hex(got) : this.ended ? "(closed)" : "(nothing)").toBe(hex(disconnect(5, reasonCode)));
    await this.expectClose(ms);
  }

  /** The server closing the connection for a protocol error: v5 sends DISCONNECT `reasonCode` first, 3.1.1 and 3.1 just close. */
  async expectServerClose(level: number, reasonCode: number, ms = WAIT_MS): Promise<void> {
    return level === 5 ? this.expectDisconnect(reasonCode, ms) : this.expectClose(ms);
  }

  /**
   * Expects a refused CONNECT: exactly the CONNACK (Session Present 0) with this return/reason code, then the close;
   * with no code, the close without any byte. Against the reference broker the lenient check below stands in.
   */
  async expectRefusal(level: number, code?: number, ms = WAIT_MS): Promise<void> {
    if (referenceBroker) return this.expectConnackOrBareCloseFromReferenceBroker(ms);
    if (code !== undefined) await this.expect(connack(level, false, code));
    await this.expectClose(ms);
  }

  /** Reference broker only: any DISCONNECT, or a bare close (mosquitto's reason codes differ from ours in places). */
  private async expectDisconnectOrBareCloseFromReferenceBroker(ms: number): Promise<void> {
    const got = await this.nextPacket(ms);
    if (got) expect(hex([got[0]!])).toBe(hex([T.DISCONNECT]));
    await this.expectClose(ms);
  }

  /** Reference broker only: a CONNACK with a refusal code (>= 0x80 in v5, non-zero in 3.1.1), or a bare close. */
  private async expectConnackOrBareCloseFromReferenceBroker(ms: number): Promise<void> {
    const got = await this.nextPacket(ms);
    if (got) {
      expect(hex([got[0]!])).toBe(hex([T.CONNACK]));
      expect(got[3], "a refusal code").toBeGreaterThan(0);
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
