// UNSUBSCRIBE (spec 3.10): remove each filter from the topic index and the session; UNSUBACK with a
// reason code per filter (v5) [MQTT-3.10.4-4].
import type { Connection } from "../connection/connection.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";

export function handleUnsubscribe(connection: Connection, bytes: Buffer, record: number): void {
  const broker = connection.broker;
  const packet = broker.records.unsubscribe(record, bytes);
  const session = connection.session!;
  const reasonCodes: number[] = [];
  for (const topicFilter of packet.topicFilters) {
    const existed = broker.topics.unsubscribe(session.subscriberId, topicFilter);
    const subscription = session.subscriptions.get(topicFilter);
    if (subscription !== undefined) {
      if (subscription.subscriptionId !== 0) session.subscriptionIdCount--;
      session.subscriptions.delete(topicFilter);
    }
    reasonCodes.push(existed ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted);
  }
  const codes = connection.protocolLevel === 5 ? reasonCodes : [];
  connection.write(broker.encoder.encodeSubAck(PacketType.Unsuback, connection.protocolLevel, packet.packetId, codes)); // [MQTT-3.10.4-4]
}
