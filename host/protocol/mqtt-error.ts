// The host's one error type: an MQTT reason code, thrown by a handler and mapped by the dispatch
// table to a CONNACK, a DISCONNECT or a close.
import { ReasonCode } from "./reason-code.ts";

export class MqttError extends Error {
  constructor(readonly reasonCode: ReasonCode, message?: string) {
    super(message ?? `${ReasonCode[reasonCode] ?? "ReasonCode"} (0x${reasonCode.toString(16)})`);
    this.name = "MqttError";
  }
}
