// PUBREL from a client: the inbound QoS 2 packet id is released and PUBCOMP sent [MQTT-4.3.3-11]
// (v5: 0x92 when the id was unknown).
import type { Connection } from "../connection/connection.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import type { HandlerContext } from "./context.ts";

export function handlePubrel(ctx: HandlerContext, connection: Connection, _bytes: Buffer, record: number): void {
  const packetId = ctx.records.packetId(record);
  const known = connection.session!.pubrel(packetId);
  connection.sendAck(PacketType.Pubcomp, packetId, known ? ReasonCode.Success : ReasonCode.PacketIdentifierNotFound);
}
