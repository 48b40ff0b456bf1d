// PUBREL from a client: the inbound QoS 2 packet id is released and PUBCOMP sent [MQTT-4.3.3-11]
// (v5: 0x92 when the id was unknown).
import { R_PACKET_ID } from "../core/layout.ts";
import type { Connection } from "../connection/connection.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";

export function handlePubrel(connection: Connection, _bytes: Buffer, record: number): void {
  const packetId = connection.broker.codec.word(record, R_PACKET_ID);
  const known = connection.session!.inboundQos2.delete(packetId);
  connection.sendAck(PacketType.Pubcomp, packetId, known ? ReasonCode.Success : ReasonCode.PacketIdentifierNotFound);
}
