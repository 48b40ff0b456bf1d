// PUBCOMP from a client: the end of an outbound QoS 2 flow; frees the packet id and refills the window.
import { R_PACKET_ID } from "../core/layout.ts";
import type { Connection } from "../connection/connection.ts";
import { OutboundStage } from "../session/inflight.ts";

export function handlePubcomp(connection: Connection, _bytes: Buffer, record: number): void {
  const session = connection.session!;
  const packetId = connection.broker.codec.word(record, R_PACKET_ID);
  if (session.inflight.get(packetId)?.stage === OutboundStage.AwaitPubcomp) session.complete(packetId);
}
