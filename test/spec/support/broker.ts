// Starts a real quarkmq broker on 127.0.0.1 port 0 for spec tests, opens raw clients to it, and closes
// everything it opened; plus the connect-and-await-CONNACK step most tests begin with.
import { expect } from "vitest";
import { startMosquitto } from "./mosquitto.ts";
import type { BrokerOptions } from "../../../host/config/options.ts";
import { SpecClient } from "./spec-client.ts";
import { connect, hex, T, type ConnectFields } from "../../helpers/packets.ts";

export interface TestBroker {
  port: number;
  /** A new raw connection (closed by stop()). */
  open(): Promise<SpecClient>;
  /** Opens a connection, sends this CONNECT and expects a successful CONNACK. */
  connected(fields: ConnectFields): Promise<SpecClient>;
  stop(): Promise<void>;
}

export async function startBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const broker =
    process.env.SPEC_BROKER === "mosquitto"
      ? await startMosquitto()
      : await (await import("../../../host/index.ts")).createBroker({ tcp: { port: 0, host: "127.0.0.1" }, logLevel: "silent", ...options });
  const { port } = await broker.listen();
  const clients: SpecClient[] = [];
  const open = async () => {
    const c = await SpecClient.open(port);
    clients.push(c);
    return c;
  };
  return {
    port,
    open,
    async connected(fields) {
      const c = await open();
      c.send(connect(fields));
      const connack = await c.expectType(T.CONNACK);
      expect(hex(connack.subarray(3, 4)), "CONNACK return/reason code").toBe("00");
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await broker.close();
    },
  };
}

/** v5 properties of a packet, from `offset` (the Property Length), as [identifier, value bytes] in order. */
export function readProperties(packet: Buffer, offset: number): [number, Buffer][] {
  const sizes: Record<number, number> = { 0x01: 1, 0x02: 4, 0x11: 4, 0x13: 2, 0x17: 1, 0x18: 4, 0x19: 1, 0x21: 2, 0x22: 2, 0x23: 2, 0x24: 1, 0x25: 1, 0x27: 4, 0x28: 1, 0x29: 1, 0x2a: 1 };
  const varint = (at: number): [number, number] => {
    let n = 0;
    let mul = 1;
    for (let i = at; ; i++) {
      n += (packet[i]! & 0x7f) * mul;
      mul *= 128;
      if ((packet[i]! & 0x80) === 0) return [n, i + 1];
    }
  };
  const [length, start] = varint(offset);
  const out: [number, Buffer][] = [];
  let i = start;
  while (i < start + length) {
    const id = packet[i++]!;
    if (id === 0x0b) {
      const [, next] = varint(i);
      out.push([id, packet.subarray(i, next)]);
      i = next;
    } else if (sizes[id]) {
      out.push([id, packet.subarray(i, i + sizes[id]!)]);
      i += sizes[id]!;
    } else {
      // UTF-8 string or binary data: Two Byte length + bytes; a User Property is two strings.
      const first = 2 + packet.readUInt16BE(i);
      const total = id === 0x26 ? first + 2 + packet.readUInt16BE(i + first) : first;
      out.push([id, packet.subarray(i, i + total)]);
      i += total;
    }
  }
  return out;
}

/** The value of one property, or undefined. */
export const property = (packet: Buffer, offset: number, id: number): Buffer | undefined =>
  readProperties(packet, offset).find(([pid]) => pid === id)?.[1];
