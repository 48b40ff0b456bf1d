// Steps many spec tests share: subscribe and await the exact SUBACK, and await a PUBLISH whose bytes are
// exactly the expected ones, the server-assigned packetId read back from the packet.
import { expect } from "vitest";
import type { TestBroker } from "./broker.ts";
import type { SpecClient } from "./spec-client.ts";
import { uniqueId } from "./ids.ts";
import { ack, hex, publish, T, subscribe, suback, type ConnectFields, type PublishFields } from "../../helpers/packets.ts";

/** Sends SUBSCRIBE (packetId 1) of these filters and expects a SUBACK granting `grant` (default: each requested QoS). */
export async function subscribeOk(c: SpecClient, level: number, filters: [string, number][], grant?: number[]): Promise<void> {
  c.send(subscribe(level, 1, filters));
  await c.expect(suback(level, 1, grant ?? filters.map(([, o]) => o & 3)));
}

/** A connected client subscribed to `filter` with these subscription options (bits 0-1 QoS). */
export async function subscriber(
  broker: TestBroker,
  fields: ConnectFields,
  filter: string,
  options = 0,
): Promise<SpecClient> {
  const c = await broker.connected(fields);
  await subscribeOk(c, fields.level, [[filter, options]]);
  return c;
}

/** Offset of the packetId in a PUBLISH: after the fixed header and the topicName. */
function packetIdOffset(p: Buffer): number {
  let i = 1;
  while (p[i]! & 0x80) i++;
  i++;
  return i + 2 + p.readUInt16BE(i);
}

/**
 * Expects the next packet to be exactly this PUBLISH, whatever packetId the server chose (QoS > 0);
 * returns that packetId (0 at QoS 0).
 */
export async function expectPublish(c: SpecClient, level: number, fields: PublishFields): Promise<number> {
  const got = await c.nextPacket();
  if (!got) {
    expect(c.isClosed ? "(closed)" : "(nothing)").toBe(hex(publish(level, { ...fields, packetId: 1 })));
    return 0;
  }
  const qos = (got[0]! >> 1) & 3;
  const packetId = qos > 0 && (got[0]! & 0xf0) === 0x30 ? got.readUInt16BE(packetIdOffset(got)) : 0;
  expect(hex(got)).toBe(hex(publish(level, { ...fields, packetId })));
  if ((fields.qos ?? 0) > 0) expect(packetId, "a non-zero packetId").toBeGreaterThan(0);
  return packetId;
}

/** Expects the PUBACK of `packetId`: v5 may say 0x10 (No matching subscribers) instead of 0x00. */
export async function expectPuback(c: SpecClient, level: number, packetId: number): Promise<void> {
  const got = await c.nextPacket();
  const seen = got ? hex(got) : c.isClosed ? "(closed)" : "(nothing)";
  const ok = [hex(ack(T.PUBACK, level, packetId))];
  if (level === 5) ok.push(hex(ack(T.PUBACK, 5, packetId, 0x10)));
  expect(ok, `received ${seen}`).toContain(seen);
}

/** Expects, among the PUBLISH packets arriving within 300 ms, exactly this one (whatever its packetId). */
export async function expectAmong(c: SpecClient, level: number, fields: PublishFields): Promise<Buffer[]> {
  const got = await c.collect();
  const seen = got.map((p) => {
    const qos = (p[0]! >> 1) & 3;
    const packetId = qos > 0 ? p.readUInt16BE(packetIdOffset(p)) : 0;
    return hex(p) === hex(publish(level, { ...fields, packetId })) ? "match" : hex(p);
  });
  expect(seen).toContain("match");
  return got;
}

const closingId = uniqueId("close");

/**
 * Sends each packet on a connection of its own at `level` and expects the server to close it: at v5 after exactly
 * DISCONNECT `reasonCode`, at 3.1.1 without a byte (the spec has no DISCONNECT from the server there).
 */
export async function expectEachClosed(broker: TestBroker, level: 3 | 4 | 5, packets: Buffer[], reasonCode: number): Promise<void> {
  for (const bytes of packets) {
    const c = await broker.connected({ level, clientId: closingId() });
    c.send(bytes);
    await c.expectServerClose(level, reasonCode);
  }
}
