// The raw client with the spec tests' expectations: exact reply bytes, a v5 DISCONNECT and its reason code, a refused
// CONNECT's CONNACK, the close with nothing before it, silence. Lenient forms exist only for the reference broker.
import { expect } from "vitest";
import { connack, disconnect, hex, T } from "../../helpers/packets.ts";
import { RawClient, WAIT_MS } from "../../helpers/raw-client.ts";

/** Set when the spec tests run against the reference broker (support/mosquitto.ts) instead of quarkmq. */
const referenceBroker = process.env.SPEC_BROKER === "mosquitto";

export class SpecClient extends RawClient {
  /** Expects exactly these packets next, in order, byte for byte (compared as hex for readable diffs). */
  async expect(...packets: Uint8Array[]): Promise<void> {
    for (const want of packets) {
      const got = await this.nextPacket();
      expect(got ? hex(got) : this.isClosed ? "(closed)" : "(nothing)").toBe(hex(want));
    }
  }

  /** Expects the next packet to be of this type (high nibble of the first byte); returns it for field checks. */
  async expectType(first: number): Promise<Buffer> {
    const got = await this.nextPacket();
    const seen = got ? `type ${hex([got[0]! & 0xf0])}` : this.isClosed ? "(closed)" : "(nothing)";
    expect(seen).toBe(`type ${hex([first & 0xf0])}`);
    return got!;
  }

  /** Expects the server to close the connection without sending anything more. */
  async expectClose(ms = WAIT_MS): Promise<void> {
    await this.until(() => false, ms);
    expect(hex(this.pending), "bytes before the close").toBe("");
    expect(this.isClosed, "the connection is closed").toBe(true);
  }

  /**
   * Expects the server's v5 DISCONNECT with exactly this reason code (no properties), then the close. Against the
   * reference broker (SPEC_BROKER=mosquitto) the lenient check below stands in.
   */
  async expectDisconnect(reasonCode: number, ms = WAIT_MS): Promise<void> {
    if (referenceBroker) return this.expectDisconnectOrBareCloseFromReferenceBroker(ms);
    const got = await this.nextPacket(ms);
    expect(got ? hex(got) : this.isClosed ? "(closed)" : "(nothing)").toBe(hex(disconnect(5, reasonCode)));
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

  /** Expects nothing to arrive (and no close) for `ms`. */
  async expectSilence(ms = 300): Promise<void> {
    await this.until(() => this.pending.length > 0 || this.isClosed, ms);
    expect(hex(this.pending), "unexpected bytes").toBe("");
    expect(this.isClosed, "unexpected close").toBe(false);
  }
}
