// PUBACK from a client: the end of an outbound QoS 1 flow v5 [MQTT-4.3.2-3]; frees the packet id and refills the window.
import type { Connection } from "../connection/connection.ts";
import type { HandlerContext } from "./context.ts";

export function handlePuback(ctx: HandlerContext, connection: Connection, _bytes: Buffer, record: number): void {
  connection.session!.puback(ctx.records.packetId(record));
}
