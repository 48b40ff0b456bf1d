// PUBCOMP from a client: the end of an outbound QoS 2 flow; frees the packet id and refills the window.
import type { Connection } from "../connection/connection.ts";
import { OutboundStage } from "../session/inflight.ts";

export function handlePubcomp(connection: Connection, _bytes: Buffer, record: number): void {
  const session = connection.session!;
  const packetId = connection.broker.records.packetId(record);
  if (session.inflight.get(packetId)?.stage === OutboundStage.AwaitPubcomp) session.complete(packetId);
}
