// PUBREL from a client: the inbound QoS 2 packet id is released and PUBCOMP sent [MQTT-4.3.3-11]
// (v5: 0x92 when the id was unknown).
import type { Connection } from "../connection/connection.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";

export function handlePubrel(connection: Connection, _bytes: Buffer, record: number): void {
  const packetId = connection.broker.records.packetId(record);
  const known = connection.session!.inboundQos2.delete(packetId);
  connection.sendAck(PacketType.Pubcomp, packetId, known ? ReasonCode.Success : ReasonCode.PacketIdentifierNotFound);
}
