// MQTT 5.0 reason codes (spec 2.4), the one error vocabulary of the broker, and the 3.1.1 CONNACK
// return code each CONNECT refusal maps to.
export enum ReasonCode {
  Success = 0x00,
  GrantedQoS1 = 0x01,
  GrantedQoS2 = 0x02,
  DisconnectWithWill = 0x04,
  NoMatchingSubscribers = 0x10,
  NoSubscriptionExisted = 0x11,
  ContinueAuthentication = 0x18,
  ReAuthenticate = 0x19,
  UnspecifiedError = 0x80,
  MalformedPacket = 0x81,
  ProtocolError = 0x82,
  ImplementationSpecificError = 0x83,
  UnsupportedProtocolVersion = 0x84,
  ClientIdentifierNotValid = 0x85,
  BadUserNameOrPassword = 0x86,
  NotAuthorized = 0x87,
  ServerUnavailable = 0x88,
  ServerBusy = 0x89,
  Banned = 0x8a,
  ServerShuttingDown = 0x8b,
  BadAuthenticationMethod = 0x8c,
  KeepAliveTimeout = 0x8d,
  SessionTakenOver = 0x8e,
  TopicFilterInvalid = 0x8f,
  TopicNameInvalid = 0x90,
  PacketIdentifierInUse = 0x91,
  PacketIdentifierNotFound = 0x92,
  ReceiveMaximumExceeded = 0x93,
  TopicAliasInvalid = 0x94,
  PacketTooLarge = 0x95,
  MessageRateTooHigh = 0x96,
  QuotaExceeded = 0x97,
  AdministrativeAction = 0x98,
  PayloadFormatInvalid = 0x99,
  RetainNotSupported = 0x9a,
  QoSNotSupported = 0x9b,
  UseAnotherServer = 0x9c,
  ServerMoved = 0x9d,
  SharedSubscriptionsNotSupported = 0x9e,
  ConnectionRateExceeded = 0x9f,
  MaximumConnectTime = 0xa0,
  SubscriptionIdentifiersNotSupported = 0xa1,
  WildcardSubscriptionsNotSupported = 0xa2,
}

/** The 3.1.1 CONNACK return code for a v5 CONNECT reason code; undefined = no CONNACK, just close. */
export function connectReturnCode(reasonCode: number): number | undefined {
  switch (reasonCode) {
    case ReasonCode.Success: return 0;
    case ReasonCode.UnsupportedProtocolVersion: return 1;
    case ReasonCode.ClientIdentifierNotValid: return 2;
    case ReasonCode.ServerUnavailable:
    case ReasonCode.ServerBusy:
    case ReasonCode.ServerShuttingDown: return 3;
    case ReasonCode.BadUserNameOrPassword: return 4;
    case ReasonCode.NotAuthorized:
    case ReasonCode.Banned:
    case ReasonCode.BadAuthenticationMethod: return 5;
    default: return undefined;
  }
}
