// PUBREC from a client: outbound QoS 2 moves to AwaitPubcomp and we send PUBREL [MQTT-4.3.3-4]; a
// PUBREC with a reason code >= 0x80 ends the flow (v5).
import type { Connection } from "../connection/connection.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { OutboundStage } from "../session/inflight.ts";

export function handlePubrec(connection: Connection, _bytes: Buffer, record: number): void {
  const records = connection.broker.records;
  const session = connection.session!;
  const packetId = records.packetId(record);
  const entry = session.inflight.get(packetId);
  if (entry === undefined || entry.stage === OutboundStage.AwaitPuback) {
    connection.sendAck(PacketType.Pubrel, packetId, ReasonCode.PacketIdentifierNotFound);
    return;
  }
  if (records.reasonCode(record) >= 0x80) {
    session.complete(packetId);
    return;
  }
  entry.stage = OutboundStage.AwaitPubcomp;
  connection.sendPubrel(packetId);
}
