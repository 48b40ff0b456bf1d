// The broker's counters, kept by whoever does the counted thing and read by the embedding service (broker.stats)
// and the HTTP face (/metrics, $SYS). Plain integers: the message path only increments them.
export interface BrokerStats {
  /** MQTT clients connected (CONNACK accepted, not yet closed). */
  connections: number;
  messagesIn: number;
  messagesOut: number;
  /** Messages not delivered to a recipient: queue full, expired, too large, or a congested client at QoS 0. */
  dropped: number;
  protocolErrors: number;
  /** Connections closed before MQTT: a bad PROXY header, a failed TLS handshake or client certificate, a
   *  WebSocket upgrade without the mqtt subprotocol, a text frame. */
  transportRefused: number;
  /** Packets not sent because they exceeded the client's v5 Maximum Packet Size (the connection closed, PUBLISH aside). */
  packetsTooLarge: number;
  bytesIn: number;
  bytesOut: number;
  /** PUBLISH messages received and sent, and their payload bytes, by QoS (index 0, 1, 2). */
  publishReceived: [number, number, number];
  publishSent: [number, number, number];
  publishReceivedBytes: [number, number, number];
  publishSentBytes: [number, number, number];
  /** MQTT packets of every type received and sent. */
  packetsReceived: number;
  packetsSent: number;
  /** `dropped` by reason: a session queue full, over the client's Maximum Packet Size, expired, QoS 0 to a congested
   *  client, refused by authorizePublish. A PUBLISH nobody subscribed to is counted apart: it is not in `dropped`. */
  droppedQueueFull: number;
  droppedTooLarge: number;
  droppedExpired: number;
  droppedCongested: number;
  droppedNotAuthorized: number;
  droppedNoSubscribers: number;
  /** Transport connections accepted, and CONNECTs accepted. */
  socketsAccepted: number;
  connectsAccepted: number;
}

export function newStats(): BrokerStats {
  return {
    connections: 0, messagesIn: 0, messagesOut: 0, dropped: 0, protocolErrors: 0, transportRefused: 0, packetsTooLarge: 0, bytesIn: 0, bytesOut: 0,
    publishReceived: [0, 0, 0], publishSent: [0, 0, 0], publishReceivedBytes: [0, 0, 0], publishSentBytes: [0, 0, 0],
    packetsReceived: 0, packetsSent: 0,
    droppedQueueFull: 0, droppedTooLarge: 0, droppedExpired: 0, droppedCongested: 0, droppedNotAuthorized: 0, droppedNoSubscribers: 0,
    socketsAccepted: 0, connectsAccepted: 0,
  };
}
