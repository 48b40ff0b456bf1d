// AUTH (v5 spec 3.15): a method registered in authMethods runs its multi-step exchange (auth-exchange.ts);
// any other method is re-authenticated in one step through the authenticate hook, with the CONNECT's method.
import type { Connection } from "../connection/connection.ts";
import type { Decision } from "../hooks.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import type { HandlerContext } from "./context.ts";
import { decisionCode, refusalProperties } from "./decision.ts";
import { continueAuth, exchangeMethod, hasAuthMethod } from "./auth-exchange.ts";

export function handleAuth(ctx: HandlerContext, connection: Connection, bytes: Buffer, record: number): void | Promise<void> {
  const records = ctx.records;
  const properties = records.propertyCount(record) > 0 ? records.properties(record, bytes) : {};
  const method = properties.authenticationMethod;
  const expected = connection.authenticationMethod ?? exchangeMethod(connection);
  if (expected === undefined || method !== expected) {
    throw new MqttError(ReasonCode.ProtocolError, "AUTH without the CONNECT's authentication method"); // v5 [MQTT-4.12.0-7]
  }
  if (hasAuthMethod(ctx, method)) return continueAuth(ctx, connection, records.reasonCode(record), properties.authenticationData);
  const authenticate = ctx.hooks.authenticate;
  if (authenticate === undefined) throw new MqttError(ReasonCode.BadAuthenticationMethod);
  const decision = authenticate({ client: connection.client, authenticationMethod: method, authenticationData: properties.authenticationData });
  if (decision instanceof Promise) return decision.then((result) => finish(ctx, connection, method, result));
  return finish(ctx, connection, method, decision);
}

function finish(ctx: HandlerContext, connection: Connection, method: string, decision: Awaited<Decision>): void {
  const refusal = decisionCode(decision, ReasonCode.NotAuthorized);
  if (refusal !== 0) return connection.disconnect(refusal, refusalProperties(decision));
  connection.write(ctx.encoder.encodeAuth(ReasonCode.Success, { authenticationMethod: method }));
}
