// AUTH (v5 spec 3.15): re-authentication through the authenticate hook, with the method the CONNECT
// used. Multi-step exchanges are not offered: a method the hook accepts in one step or nothing.
import { R_PROPS_COUNT, R_REASON } from "../core/layout.ts";
import type { Connection } from "../connection/connection.ts";
import type { Decision } from "../hooks.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { decisionCode } from "./decision.ts";
import { continueAuth, hasAuthMethod } from "./auth-exchange.ts";

export function handleAuth(connection: Connection, bytes: Buffer, record: number): void | Promise<void> {
  const broker = connection.broker;
  const codec = broker.codec;
  const properties = codec.word(record, R_PROPS_COUNT) > 0 ? codec.readProperties(record, bytes) : {};
  const method = properties.authenticationMethod;
  if (connection.authenticationMethod === undefined || method !== connection.authenticationMethod) {
    throw new MqttError(ReasonCode.ProtocolError, "AUTH without the CONNECT's authentication method"); // v5 [MQTT-4.12.0-7]
  }
  if (hasAuthMethod(connection, method)) return continueAuth(connection, codec.word(record, R_REASON), properties.authenticationData);
  const authenticate = broker.hooks.authenticate;
  if (authenticate === undefined) throw new MqttError(ReasonCode.BadAuthenticationMethod);
  const decision = authenticate({ client: connection.client, authenticationMethod: method, authenticationData: properties.authenticationData });
  if (decision instanceof Promise) return decision.then((result) => finish(connection, method, result));
  return finish(connection, method, decision);
}

function finish(connection: Connection, method: string, decision: Awaited<Decision>): void {
  const refusal = decisionCode(decision, ReasonCode.NotAuthorized);
  if (refusal !== 0) return connection.disconnect(refusal);
  connection.write(connection.broker.codec.encodeAuth(ReasonCode.Success, { authenticationMethod: method }));
}
