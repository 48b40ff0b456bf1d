// PINGREQ: answered with PINGRESP [MQTT-3.12.4-1].
import type { Connection } from "../connection/connection.ts";
import type { HandlerContext } from "./context.ts";

export function handlePingreq(ctx: HandlerContext, connection: Connection): void {
  connection.write(ctx.encoder.encodePingresp());
}
