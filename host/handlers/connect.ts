// CONNECT (spec 3.1): client id rules, will checks, authentication, takeover, session present,
// limits from both sides, and the CONNACK (v5 properties).
import { randomBytes } from "node:crypto";
import type { ConnectPacket, Properties } from "../core/packets.ts";
import type { Connection } from "../connection/connection.ts";
import { Lifecycle } from "../connection/lifecycle.ts";
import type { Decision } from "../hooks.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { NEVER_EXPIRES } from "../session/session.ts";
import type { HandlerContext } from "./context.ts";
import { decisionCode, refusalProperties } from "./decision.ts";
import { beginAuth, hasAuthMethod } from "./auth-exchange.ts";
import { certificateIdentity } from "../security/certificate-identity.ts";

/** Largest packet the protocol allows: remaining length 268,435,455 plus a 5-byte fixed header. */
const PROTOCOL_MAX_PACKET_SIZE = 268_435_460;
/** The 3.1.1 CONNACK of an accepted client by Session Present (0, 1): the same 4 bytes every time, shared. */
const CONNACK_ACCEPTED = [Buffer.from([0x20, 2, 0, 0]), Buffer.from([0x20, 2, 1, 0])] as const;

export function handleConnect(ctx: HandlerContext, connection: Connection, bytes: Buffer, record: number): void | Promise<void> {
  const packet = ctx.records.connect(record, bytes);
  const level = packet.protocolLevel;
  connection.connecting(level, packet.properties.maximumPacketSize ?? 0, packet.properties.requestProblemInformation !== 0);
  const client = connection.client;
  let assigned: string | undefined;
  if (Buffer.byteLength(packet.clientId) > ctx.options.maxClientIdLength) {
    ctx.security.counters.clientIdTooLong++;
    return connection.refuseConnect(ReasonCode.ClientIdentifierNotValid); // v5 [MQTT-3.1.3-8], v3.1.1 [MQTT-3.1.3-9]
  }
  if (packet.clientId.length > 0) client.clientId = packet.clientId;
  else if (level === 5) client.clientId = assigned = newClientId(); // v5 [MQTT-3.1.3-6]
  else if (level === 4 && packet.cleanStart) client.clientId = newClientId(); // v3.1.1 [MQTT-3.1.3-6]
  else return connection.refuseConnect(ReasonCode.ClientIdentifierNotValid); // v3.1.1 [MQTT-3.1.3-8]
  const identityAs = connection.transport.identityAs;
  if (identityAs !== undefined) {
    const identity = certificateIdentity(client.certificate, identityAs);
    if (identity === undefined || (packet.username !== undefined && packet.username !== identity)) {
      ctx.log.debug({ clientId: client.clientId, identityAs, username: packet.username, identity },
        identity === undefined ? "CONNECT refused: the client certificate has no such identity field" : "CONNECT refused: username differs from the certificate identity");
      // Bad User Name or Password, as Mosquitto answers every certificate identity failure: the username is wrong for
      // this certificate; nothing was guessed (the certificate was verified), so the refusal is not slowed.
      return refuseLogin(ctx, connection, ReasonCode.BadUserNameOrPassword, false, undefined);
    }
    client.username = identity;
  } else if (packet.username !== undefined) client.username = packet.username;
  const options = ctx.options;
  if (level !== 5 && options.maxKeepAlive > 0 && packet.keepAlive > options.maxKeepAlive) {
    return connection.refuseConnect(ReasonCode.ClientIdentifierNotValid); // 3.1.1 has no Server Keep Alive to tell the client
  }
  const will = packet.will;
  if (will !== undefined) {
    if (will.qos > options.maximumQoS) return connection.refuseConnect(ReasonCode.QoSNotSupported); // v5 [MQTT-3.2.2-12]
    if (will.retain && !options.retainAvailable) return connection.refuseConnect(ReasonCode.RetainNotSupported); // v5 [MQTT-3.2.2-13]
  }
  const method = packet.properties.authenticationMethod;
  if (method !== undefined && hasAuthMethod(ctx, method)) {
    return beginAuth(ctx, connection, method, packet.properties.authenticationData, {
      packet, assigned,
      accept: (authenticationData) => accept(ctx, connection, packet, true, assigned, authenticationData),
      refuse: (reasonCode) => refuseLogin(ctx, connection, reasonCode, true, undefined),
    });
  }
  const authenticate = ctx.hooks.authenticate;
  if (authenticate === undefined) {
    if (method !== undefined) return connection.refuseConnect(ReasonCode.BadAuthenticationMethod); // v5 [MQTT-4.12.0-1]
    if (!options.allowAnonymous && client.username === undefined) return refuseLogin(ctx, connection, ReasonCode.NotAuthorized, false, undefined);
    return accept(ctx, connection, packet, true, assigned);
  }
  const decision = authenticate({
    client, password: packet.password, certificateIdentity: identityAs,
    authenticationMethod: method, authenticationData: packet.properties.authenticationData,
  });
  if (decision instanceof Promise) return decision.then((result) => accept(ctx, connection, packet, result, assigned));
  return accept(ctx, connection, packet, decision, assigned);
}

/** A refused login: counted per remote address and held back longer the more that address failed
 *  (security/login-throttle.ts); only this connection waits, and it reads nothing meanwhile. */
function refuseLogin(ctx: HandlerContext, connection: Connection, reasonCode: number, guessed: boolean,
  properties: Properties | undefined): void | Promise<void> {
  const security = ctx.security;
  security.counters.loginFailures++;
  if (!guessed) return connection.refuseConnect(reasonCode, properties); // no credentials given: nothing was guessed, nothing to slow down
  const delay = security.logins.failed(connection.client.remoteAddress);
  if (delay === 0) return connection.refuseConnect(reasonCode, properties);
  return new Promise((resolve) => setTimeout(() => {
    connection.refuseConnect(reasonCode, properties);
    resolve();
  }, delay));
}

function accept(ctx: HandlerContext, connection: Connection, packet: ConnectPacket, decision: Awaited<Decision>, assigned: string | undefined,
  authenticationData?: Buffer): void | Promise<void> {
  if (connection.state !== Lifecycle.Connecting) return;
  const refusal = decisionCode(decision, ReasonCode.BadUserNameOrPassword);
  if (refusal !== 0) {
    const guessed = packet.username !== undefined || packet.password !== undefined || packet.properties.authenticationMethod !== undefined;
    return refuseLogin(ctx, connection, refusal, guessed, refusalProperties(decision));
  }
  const { options, sessions } = ctx;
  const clientId = connection.client.clientId;
  const v5 = packet.protocolLevel === 5;
  let session = sessions.get(clientId);
  const previous = session?.connection;
  if (previous !== undefined) {
    previous.disconnect(ReasonCode.SessionTakenOver); // v5 [MQTT-3.1.4-3], v3.1.1 [MQTT-3.1.4-2]
    session = sessions.get(clientId); // the old connection's close may have ended its session
  }
  if (session !== undefined && packet.cleanStart) { // v5 [MQTT-3.1.2-4], v3.1.1 [MQTT-3.1.2-6]
    sessions.end(session);
    session = undefined;
  }
  const sessionPresent = session !== undefined; // v5 [MQTT-3.2.2-2] [MQTT-3.2.2-3], v3.1.1 [MQTT-3.2.2-1] [MQTT-3.2.2-2] [MQTT-3.2.2-3]
  session ??= sessions.create(clientId);

  const connack: Properties = {};
  const properties = packet.properties;
  let expiry = v5 ? properties.sessionExpiryInterval ?? 0 : packet.cleanStart ? 0 : NEVER_EXPIRES;
  if (v5 && expiry > options.maxSessionExpiryInterval) connack.sessionExpiryInterval = expiry = options.maxSessionExpiryInterval;
  session.expireAfter(expiry);
  session.useAcl(ctx.security.aclFor(connection.client.username, clientId), connection.client);
  let keepAlive = packet.keepAlive;
  if (options.maxKeepAlive > 0 && keepAlive > options.maxKeepAlive) {
    keepAlive = options.maxKeepAlive;
    connack.serverKeepAlive = keepAlive; // v5 3.2.2.3.14
  }
  connection.negotiated({
    session, will: packet.will, keepAlive,
    sendQuota: v5 ? properties.receiveMaximum ?? 65535 : options.maxInflightMessages,
    topicAliasMaximum: v5 ? properties.topicAliasMaximum ?? 0 : 0, // v5 [MQTT-3.1.2-27]
    authenticationMethod: properties.authenticationMethod,
  });

  if (v5) {
    if (options.receiveMaximum < 65535) connack.receiveMaximum = options.receiveMaximum;
    if (options.topicAliasMaximum > 0) connack.topicAliasMaximum = options.topicAliasMaximum;
    if (options.maximumQoS < 2) connack.maximumQoS = options.maximumQoS;
    if (!options.retainAvailable) connack.retainAvailable = 0;
    if (options.maxPacketSize < PROTOCOL_MAX_PACKET_SIZE) connack.maximumPacketSize = options.maxPacketSize;
    if (assigned !== undefined) connack.assignedClientIdentifier = assigned; // v5 [MQTT-3.2.2-16]
    if (properties.requestResponseInformation === 1 && options.responseInformation !== "") { // v5 [MQTT-3.1.2-28]: only when asked
      connack.responseInformation = options.responseInformation.replaceAll("%c", clientId);
    }
    if (properties.authenticationMethod !== undefined) connack.authenticationMethod = properties.authenticationMethod; // v5 [MQTT-4.12.0-5]
    if (authenticationData !== undefined) connack.authenticationData = authenticationData;
  }
  const sent = packet.protocolLevel === 4 ? connection.write(CONNACK_ACCEPTED[sessionPresent ? 1 : 0])
    : connection.write(ctx.encoder.encodeConnack(packet.protocolLevel, sessionPresent, 0, v5 ? connack : undefined));
  if (!sent) return; // over the client's Maximum Packet Size: closed without a CONNACK, v5 [MQTT-3.1.2-24]
  connection.connected();
  ctx.stats.connections++;
  ctx.stats.connectsAccepted++;
  if (sessionPresent) {
    session.resend(connection);
    session.drain();
  }
  ctx.notify.clientConnected(connection.client);
}

function newClientId(): string {
  return `quarkmq-${randomBytes(8).toString("hex")}`;
}
