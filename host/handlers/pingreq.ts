// PINGREQ: answered with PINGRESP [MQTT-3.12.4-1].
import type { Connection } from "../connection/connection.ts";

export function handlePingreq(connection: Connection): void {
  connection.write(connection.broker.encoder.encodePingresp());
}
