// The broker's counters, kept by whoever does the counted thing and read by the embedding service (broker.stats).
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
  bytesIn: number;
  bytesOut: number;
}
