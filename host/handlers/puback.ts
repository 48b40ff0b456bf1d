// PUBACK from a client: the end of an outbound QoS 1 flow v5 [MQTT-4.3.2-3]; frees the packet id and refills the window.
import type { Connection } from "../connection/connection.ts";
import { OutboundStage } from "../session/inflight.ts";

export function handlePuback(connection: Connection, _bytes: Buffer, record: number): void {
  const session = connection.session!;
  const packetId = connection.broker.records.packetId(record);
  if (session.inflight.get(packetId)?.stage === OutboundStage.AwaitPuback) session.complete(packetId);
}
