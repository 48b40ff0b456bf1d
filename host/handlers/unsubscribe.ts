// UNSUBSCRIBE (spec 3.10): remove each filter from the topic index and the session; UNSUBACK with a
// reason code per filter (v5) [MQTT-3.10.4-4].
import type { Connection } from "../connection/connection.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import type { HandlerContext } from "./context.ts";

export function handleUnsubscribe(ctx: HandlerContext, connection: Connection, bytes: Buffer, record: number): void {
  const packet = ctx.records.unsubscribe(record, bytes);
  const session = connection.session!;
  const reasonCodes: number[] = [];
  for (const topicFilter of packet.topicFilters) {
    const existed = ctx.topics.unsubscribe(session.subscriberId, topicFilter);
    session.subscriptions.remove(topicFilter);
    reasonCodes.push(existed ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted);
  }
  session.persist();
  const codes = connection.protocolLevel === 5 ? reasonCodes : [];
  connection.write(ctx.encoder.encodeSubAck(PacketType.Unsuback, connection.protocolLevel, packet.packetId, codes)); // [MQTT-3.10.4-4]
}
