// The security counters: every limit hit and every refusal since start, a plain object the metrics and $SYS
// code can read (broker.security.counters).
/** Counts of every limit hit and refusal, since start. */
export interface SecurityCounters {
  /** Sockets refused at accept: over maxConnections / over maxConnectionsPerAddress. */
  connectionsRefused: number;
  connectionsRefusedPerAddress: number;
  /** CONNECTs refused for bad credentials or authorization (each one delayed per its address). */
  loginFailures: number;
  clientIdTooLong: number;
  subscriptionsOverLimit: number;
  topicLevelsOverLimit: number;
  /** Times a client was slowed for its publish rate, and disconnected with 0x96 for staying over it. */
  publishRateSlowed: number;
  publishRateDisconnects: number;
  /** Connections closed for an incomplete packet that stopped arriving. */
  partialPacketTimeouts: number;
  /** PUBLISH / SUBSCRIBE / delivery / will refused by the ACL file. */
  aclPublishDenied: number;
  aclSubscribeDenied: number;
  aclDeliveryDenied: number;
  aclWillDenied: number;
  /** Clients disconnected (0x97) for a full session queue under queueOverflow "disconnect". Their dropped messages, and
   *  QoS 0 dropped past maxQueuedQoS0Bytes, are in broker.stats (droppedQueueFull, droppedCongested). */
  slowSubscriberDisconnects: number;
}

export function newSecurityCounters(): SecurityCounters {
  return {
    connectionsRefused: 0, connectionsRefusedPerAddress: 0, loginFailures: 0, clientIdTooLong: 0,
    subscriptionsOverLimit: 0, topicLevelsOverLimit: 0, publishRateSlowed: 0, publishRateDisconnects: 0,
    partialPacketTimeouts: 0, aclPublishDenied: 0, aclSubscribeDenied: 0, aclDeliveryDenied: 0, aclWillDenied: 0,
    slowSubscriberDisconnects: 0,
  };
}
