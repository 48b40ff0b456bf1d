// The embedding service's hooks: one interface of optional methods, each taking one event object so
// fields can be added later. Decisions are verbs, notifications are onX.
import type { PeerCertificate } from "node:tls";
import type { Properties } from "./core/packets.ts";
import type { TransportKind } from "./transport/transport.ts";
import type { IdentityField } from "./security/certificate-identity.ts";

export interface ClientInfo {
  clientId: string;
  username?: string;
  protocolLevel: 3 | 4 | 5;
  remoteAddress?: string;
  /** How the client came in: tcp, tls, ws or wss. */
  transport?: TransportKind;
  /** The client certificate, when a tls listener verified one (requestCert / requireCert). */
  certificate?: PeerCertificate;
}

export interface AuthenticateEvent {
  client: ClientInfo;
  password?: Buffer;
  /** Set on a tls listener with useIdentityAs: client.username is this field of the verified certificate (the TLS
   *  handshake authenticated it; the built-in user check accepts it without a password, as Mosquitto does). */
  certificateIdentity?: IdentityField;
  /** v5 enhanced authentication, when the client sent one. */
  authenticationMethod?: string;
  authenticationData?: Buffer;
}

export interface PublishEvent {
  client?: ClientInfo; // undefined for broker.publish() from the host service
  topicName: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  properties: Properties;
  /** With an ACL file: its decision (true = allowed); the hook may override it. Undefined without one. */
  aclDecision?: boolean;
  /** True for a will, checked when it is sent (after a restart, `client` holds only clientId, username and
   *  protocolLevel from the stored session). */
  will?: boolean;
}

export interface SubscribeEvent {
  client: ClientInfo;
  topicFilter: string;
  qos: 0 | 1 | 2;
  /** With an ACL file: its decision (true = allowed); the hook may override it. Undefined without one. */
  aclDecision?: boolean;
}

export interface DisconnectEvent {
  client: ClientInfo;
  /** MQTT reason code of the end (0 = normal disconnect). */
  reasonCode: number;
}

/** A refusal that tells a v5 client why: a reason code (>= 0x80) with a Reason String and User Properties, sent on
 *  the CONNACK, PUBACK/PUBREC, SUBACK or (a failed re-authentication) DISCONNECT. They are dropped first when they
 *  would make the packet larger than the client's Maximum Packet Size; 3.1.1 and 3.1 get the return code only. */
export interface Refusal {
  reasonCode: number;
  reasonString?: string;
  userProperties?: Array<[string, string]>;
}

/** A decision: true (or a number below 0x80) to allow, false, a reason code (>= 0x80) or a Refusal to refuse. Sync
 *  or async. authorizeSubscribe may also answer 0, 1 or 2: allowed, with the granted QoS capped to that value. */
export type Decision = boolean | number | Refusal | Promise<boolean | number | Refusal>;

export interface Hooks {
  authenticate?(event: AuthenticateEvent): Decision;
  authorizePublish?(event: PublishEvent): Decision;
  authorizeSubscribe?(event: SubscribeEvent): Decision;
  onConnect?(event: { client: ClientInfo }): void;
  onDisconnect?(event: DisconnectEvent): void;
  onPublish?(event: PublishEvent): void;
  onSubscribe?(event: SubscribeEvent): void;
}
