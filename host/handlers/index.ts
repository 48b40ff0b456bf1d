// The one dispatch table: every packet type has a handler (a missing one is a compile error). The
// dispatcher owns the connection-state gate and maps errors (core error records, MqttError) to a
// CONNACK refusal, a v5 DISCONNECT, or a plain close.
import type { Connection } from "../connection/connection.ts";
import type { PacketSink } from "../connection/inbound.ts";
import { Lifecycle } from "../connection/lifecycle.ts";
import { MqttError } from "../protocol/mqtt-error.ts";
import { PacketType } from "../protocol/packet-type.ts";
import { ReasonCode } from "../protocol/reason-code.ts";
import { handleAuth } from "./auth.ts";
import { authenticating } from "./auth-exchange.ts";
import type { HandlerContext } from "./context.ts";
import { handleConnect } from "./connect.ts";
import { handleDisconnect } from "./disconnect.ts";
import { handlePingreq } from "./pingreq.ts";
import { handlePuback } from "./puback.ts";
import { handlePubcomp } from "./pubcomp.ts";
import { handlePublish } from "./publish.ts";
import { handlePubrec } from "./pubrec.ts";
import { handlePubrel } from "./pubrel.ts";
import { handleSubscribe } from "./subscribe.ts";
import { handleUnsubscribe } from "./unsubscribe.ts";

/** Acts on one framed packet (record `record`, offsets into `bytes`); a Promise when a hook decides asynchronously. */
export type Handler = (ctx: HandlerContext, connection: Connection, bytes: Buffer, record: number) => void | Promise<void>;

/** Packets only a server sends: a client sending one commits a protocol error. */
const serverOnly: Handler = () => {
  throw new MqttError(ReasonCode.ProtocolError, "server-to-client packet type from a client");
};

const table: { [T in PacketType]: Handler } = {
  [PacketType.Connect]: handleConnect,
  [PacketType.Connack]: serverOnly,
  [PacketType.Publish]: handlePublish,
  [PacketType.Puback]: handlePuback,
  [PacketType.Pubrec]: handlePubrec,
  [PacketType.Pubrel]: handlePubrel,
  [PacketType.Pubcomp]: handlePubcomp,
  [PacketType.Subscribe]: handleSubscribe,
  [PacketType.Suback]: serverOnly,
  [PacketType.Unsubscribe]: handleUnsubscribe,
  [PacketType.Unsuback]: serverOnly,
  [PacketType.Pingreq]: handlePingreq,
  [PacketType.Pingresp]: serverOnly,
  [PacketType.Disconnect]: handleDisconnect,
  [PacketType.Auth]: handleAuth,
};

const handlers: Handler[] = [];
for (const [type, handler] of Object.entries(table)) handlers[Number(type)] = handler;

/** Where a connection's framed packets go (connection/inbound.ts PacketSink): one per broker, with its context. */
export class Dispatcher implements PacketSink<Connection> {
  constructor(private readonly ctx: HandlerContext) {}

  dispatch(connection: Connection, bytes: Buffer, record: number): void | Promise<void> {
    const ctx = this.ctx, records = ctx.records;
    ctx.stats.packetsReceived++;
    try {
      const error = records.error(record);
      if (error < 0) throw new MqttError(-error as ReasonCode, `core error 0x${(-error).toString(16)}`);
      const type = records.type(record);
      if (connection.state === Lifecycle.AwaitingConnect) {
        if (type !== PacketType.Connect) throw new MqttError(ReasonCode.ProtocolError, "first packet is not CONNECT"); // [MQTT-3.1.0-1]
      } else if (type === PacketType.Connect) {
        throw new MqttError(ReasonCode.ProtocolError, "second CONNECT"); // [MQTT-3.1.0-2]
      } else if (connection.state === Lifecycle.Connecting && type !== PacketType.Auth && type !== PacketType.Disconnect && authenticating(connection)) {
        throw new MqttError(ReasonCode.ProtocolError, "only AUTH or DISCONNECT before the CONNACK of an enhanced authentication"); // v5 [MQTT-3.1.2-30]
      }
      const result = handlers[type]!(ctx, connection, bytes, record);
      if (result !== undefined) return result;
    } catch (error) {
      this.fail(connection, error);
    }
    return undefined;
  }

  /** Ends one connection for a protocol violation (or a bug): counted, logged once at warn; everyone else carries on. */
  fail(connection: Connection, error: unknown): void {
    if (connection.state === Lifecycle.Closed) return;
    const ctx = this.ctx;
    const mqttError = error instanceof MqttError;
    const reasonCode = mqttError ? error.reasonCode : ReasonCode.ImplementationSpecificError;
    const err = error instanceof Error ? error : new Error(String(error));
    if (mqttError) {
      ctx.stats.protocolErrors++;
      ctx.log.warn({ clientId: connection.client.clientId, reasonCode, remoteAddress: connection.client.remoteAddress }, err.message);
    } else {
      ctx.log.error({ clientId: connection.client.clientId, err }, "handler failed");
    }
    ctx.notify.clientError({ client: connection.client, reasonCode, error: err });
    if (connection.state === Lifecycle.Connected) connection.disconnect(reasonCode);
    else if (reasonCode === ReasonCode.UnsupportedProtocolVersion) connection.refuseConnect(reasonCode, undefined, 4); // [MQTT-3.1.2-2]
    else connection.refuseConnect(reasonCode, undefined, connection.protocolLevel); // 0 until a CONNECT was read: answered as 3.1.1
  }
}
