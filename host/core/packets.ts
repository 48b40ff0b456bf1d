// Plain values the codec wrapper (host/core/codec.ts) hands to the protocol layer, and takes back to encode.
// Names follow the spec (MQTT 5.0 section 2.2.2.2 property names, camelCase).

export interface Properties {
  payloadFormatIndicator?: number; //        0x01
  messageExpiryInterval?: number; //         0x02
  contentType?: string; //                   0x03
  responseTopic?: string; //                 0x08
  correlationData?: Buffer; //               0x09
  subscriptionIdentifiers?: number[]; //     0x0B (several in a PUBLISH to a client)
  sessionExpiryInterval?: number; //         0x11
  assignedClientIdentifier?: string; //      0x12
  serverKeepAlive?: number; //               0x13
  authenticationMethod?: string; //          0x15
  authenticationData?: Buffer; //            0x16
  requestProblemInformation?: number; //     0x17
  willDelayInterval?: number; //             0x18
  requestResponseInformation?: number; //    0x19
  responseInformation?: string; //           0x1A
  serverReference?: string; //               0x1C
  reasonString?: string; //                  0x1F
  receiveMaximum?: number; //                0x21
  topicAliasMaximum?: number; //             0x22
  topicAlias?: number; //                    0x23
  maximumQoS?: number; //                    0x24
  retainAvailable?: number; //               0x25
  userProperties?: Array<[string, string]>; // 0x26, order kept, duplicates allowed
  maximumPacketSize?: number; //             0x27
  wildcardSubscriptionAvailable?: number; // 0x28
  subscriptionIdentifierAvailable?: number; // 0x29
  sharedSubscriptionAvailable?: number; //   0x2A
}

export interface Will {
  topicName: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  properties: Properties;
}

export interface ConnectPacket {
  protocolLevel: 3 | 4 | 5;
  cleanStart: boolean;
  keepAlive: number;
  clientId: string;
  username?: string;
  password?: Buffer;
  will?: Will;
  properties: Properties;
}

export interface Subscription {
  topicFilter: string;
  qos: 0 | 1 | 2;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
}

export interface SubscribePacket {
  packetId: number;
  subscriptions: Subscription[];
  properties: Properties;
}

export interface UnsubscribePacket {
  packetId: number;
  topicFilters: string[];
  properties: Properties;
}
