// PUBREC from a client: outbound QoS 2 moves to AwaitPubcomp and we send PUBREL [MQTT-4.3.3-4]; a
// PUBREC with a reason code >= 0x80 ends the flow (v5).
import { R_PACKET_ID, R_REASON } from "../core/layout.ts";
import type { Connection } from "../connection/connection.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { OutboundStage } from "../session/inflight.ts";

export function handlePubrec(connection: Connection, _bytes: Buffer, record: number): void {
  const codec = connection.broker.codec;
  const session = connection.session!;
  const packetId = codec.word(record, R_PACKET_ID);
  const entry = session.inflight.get(packetId);
  if (entry === undefined || entry.stage === OutboundStage.AwaitPuback) {
    connection.sendAck(PacketType.Pubrel, packetId, ReasonCode.PacketIdentifierNotFound);
    return;
  }
  if (codec.word(record, R_REASON) >= 0x80) {
    session.complete(packetId);
    return;
  }
  entry.stage = OutboundStage.AwaitPubcomp;
  connection.sendPubrel(packetId);
}
