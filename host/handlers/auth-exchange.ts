// Enhanced authentication (v5 section 4.12) through a registered method (`authMethods`): the exchange of AUTH
// 0x18 packets after CONNECT until the method succeeds (CONNACK 0x00) or fails (CONNACK >= 0x80), and
// re-authentication on a live connection (AUTH 0x19 ... AUTH 0x00, or DISCONNECT on failure).
import type { ConnectPacket } from "../core/packets.ts";
import type { Connection } from "../connection/connection.ts";
import { Lifecycle } from "../connection/lifecycle.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import type { AuthConversation, AuthStep } from "../security/auth-method.ts";
import type { HandlerContext } from "./context.ts";

/** A CONNECT waiting for its authentication to finish. */
export interface PendingConnect {
  packet: ConnectPacket;
  assigned: string | undefined;
  /** Called once the method succeeded: accepts the CONNECT with the method's final data. */
  accept(authenticationData: Buffer | undefined): void;
  /** Called once the method failed: refuses the CONNECT with the reason code. */
  refuse(reasonCode: number): void | Promise<void>;
}

interface Exchange {
  method: string;
  conversation: AuthConversation;
  /** Undefined for a re-authentication. */
  connect: PendingConnect | undefined;
}

/** The exchange in progress per connection (kept here, so a connection without one carries nothing). */
const exchanges = new WeakMap<Connection, Exchange>();

export function hasAuthMethod(ctx: HandlerContext, method: string): boolean {
  return Object.hasOwn(ctx.security.authMethods, method);
}

/** The method of the exchange under way (a CONNECT's, before the connection knows it), if any. */
export function exchangeMethod(connection: Connection): string | undefined {
  return exchanges.get(connection)?.method;
}

/** True while a CONNECT's authentication is under way: only AUTH and DISCONNECT may come now. */
export function authenticating(connection: Connection): boolean {
  return exchanges.get(connection)?.connect !== undefined;
}

/** Starts an exchange: for a CONNECT (connect given) or a re-authentication (AUTH 0x19). */
export function beginAuth(ctx: HandlerContext, connection: Connection, method: string, data: Buffer | undefined,
  connect?: PendingConnect): void | Promise<void> {
  const handler = ctx.security.authMethods[method]!;
  const conversation = handler({ client: connection.client, reauthenticate: connect === undefined });
  const exchange: Exchange = { method, conversation, connect };
  exchanges.set(connection, exchange);
  return advance(ctx, connection, exchange, data);
}

/** An AUTH from the client while connecting or connected (the method was checked against the CONNECT's). */
export function continueAuth(ctx: HandlerContext, connection: Connection, reasonCode: number, data: Buffer | undefined): void | Promise<void> {
  const exchange = exchanges.get(connection);
  if (reasonCode === ReasonCode.ContinueAuthentication) {
    if (exchange === undefined) throw new MqttError(ReasonCode.ProtocolError, "AUTH 0x18 without an authentication in progress");
    return advance(ctx, connection, exchange, data);
  }
  if (reasonCode === ReasonCode.ReAuthenticate && exchange === undefined && connection.state === Lifecycle.Connected) {
    return beginAuth(ctx, connection, connection.authenticationMethod!, data); // v5 [MQTT-4.12.1-1]
  }
  throw new MqttError(ReasonCode.ProtocolError, `AUTH with reason code 0x${reasonCode.toString(16)} out of place`); // v5 [MQTT-3.15.2-1]
}

function advance(ctx: HandlerContext, connection: Connection, exchange: Exchange, data: Buffer | undefined): void | Promise<void> {
  let step: AuthStep | Promise<AuthStep>;
  try {
    step = exchange.conversation.step(data);
  } catch (error) {
    ctx.log.error({ err: error, method: exchange.method }, "authentication method failed");
    step = { failure: ReasonCode.UnspecifiedError };
  }
  if (step instanceof Promise) {
    return step.then((s) => settle(ctx, connection, exchange, s), (error: unknown) => {
      ctx.log.error({ err: error, method: exchange.method }, "authentication method failed");
      return settle(ctx, connection, exchange, { failure: ReasonCode.UnspecifiedError });
    });
  }
  return settle(ctx, connection, exchange, step);
}

function settle(ctx: HandlerContext, connection: Connection, exchange: Exchange, step: AuthStep): void | Promise<void> {
  if (connection.state === Lifecycle.Closed) return;
  const method = exchange.method;
  if ("continue" in step) {
    const properties = { authenticationMethod: method, authenticationData: step.continue };
    connection.write(ctx.encoder.encodeAuth(ReasonCode.ContinueAuthentication, properties)); // v5 [MQTT-4.12.0-2]
    return;
  }
  exchanges.delete(connection);
  const connect = exchange.connect;
  if ("success" in step) {
    const given = connection.client.username; // the CONNECT's, or the certificate identity on a useIdentityAs listener
    if (step.username !== undefined && given !== undefined && given !== step.username) {
      return connect ? connect.refuse(ReasonCode.NotAuthorized) : connection.disconnect(ReasonCode.NotAuthorized);
    }
    if (step.username !== undefined) connection.client.username = step.username;
    if (connect) return connect.accept(step.data);
    const properties = { authenticationMethod: method, authenticationData: step.data };
    connection.write(ctx.encoder.encodeAuth(ReasonCode.Success, properties)); // v5 [MQTT-4.12.1-1] re-authentication succeeded
    return;
  }
  const reasonCode = step.failure >= 0x80 ? step.failure : ReasonCode.NotAuthorized;
  if (connect) return connect.refuse(reasonCode); // v5 [MQTT-4.12.0-4]
  connection.disconnect(reasonCode); // v5 [MQTT-4.12.1-2] a failed re-authentication ends the connection
}
