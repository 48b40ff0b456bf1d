// PUBCOMP from a client: the end of an outbound QoS 2 flow; frees the packet id and refills the window.
import type { Connection } from "../connection/connection.ts";
import type { HandlerContext } from "./context.ts";

export function handlePubcomp(ctx: HandlerContext, connection: Connection, _bytes: Buffer, record: number): void {
  connection.session!.pubcomp(ctx.records.packetId(record));
}
