// DISCONNECT from a client (spec 3.14): the will is discarded unless v5 reason 0x04, a v5 Session
// Expiry Interval may be updated, then the connection closes.
import type { Connection } from "../connection/connection.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import type { HandlerContext } from "./context.ts";

export function handleDisconnect(ctx: HandlerContext, connection: Connection, bytes: Buffer, record: number): void {
  const records = ctx.records;
  const session = connection.session!;
  let reasonCode = ReasonCode.Success;
  if (connection.protocolLevel === 5) {
    reasonCode = records.reasonCode(record);
    if (records.propertyCount(record) > 0) {
      const expiry = records.properties(record, bytes).sessionExpiryInterval;
      if (expiry !== undefined) {
        if (session.expiryInterval === 0 && expiry !== 0) {
          throw new MqttError(ReasonCode.ProtocolError, "session expiry set on DISCONNECT after 0 on CONNECT"); // v5 3.14.2.2.2
        }
        session.expireAfter(Math.min(expiry, ctx.options.maxSessionExpiryInterval));
      }
    }
  }
  if (reasonCode !== ReasonCode.DisconnectWithWill) connection.discardWill(); // v5 [MQTT-3.14.4-3] [MQTT-3.1.2-10], v3.1.1 [MQTT-3.1.2-10]
  connection.close(reasonCode);
}
