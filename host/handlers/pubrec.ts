// PUBREC from a client: outbound QoS 2 moves to AwaitPubcomp and we send PUBREL [MQTT-4.3.3-4]; a
// PUBREC with a reason code >= 0x80 ends the flow (v5). The session keeps the flow's state (Session.pubrec).
import type { Connection } from "../connection/connection.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { PubrecOutcome } from "../session/session.ts";
import type { HandlerContext } from "./context.ts";

export function handlePubrec(ctx: HandlerContext, connection: Connection, _bytes: Buffer, record: number): void {
  const packetId = ctx.records.packetId(record);
  const outcome = connection.session!.pubrec(packetId, ctx.records.reasonCode(record));
  if (outcome === PubrecOutcome.Unknown) connection.sendAck(PacketType.Pubrel, packetId, ReasonCode.PacketIdentifierNotFound);
  else if (outcome === PubrecOutcome.Release) connection.sendPubrel(packetId);
}
