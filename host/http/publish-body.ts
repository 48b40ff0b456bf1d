// The body of POST /api/v1/publish, checked field by field into broker.publish() options:
// { topic, payload, encoding: "text" | "base64", qos, retain, properties }; anything else is a 400.
import type { Properties } from "../core/packets.ts";
import { HttpError } from "./request.ts";

export interface PublishBody {
  topicName: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  properties?: Properties;
}

const bodyKeys = new Set(["topic", "payload", "encoding", "qos", "retain", "properties"]);
const propertyKeys = ["payloadFormatIndicator", "messageExpiryInterval", "contentType", "responseTopic", "correlationData", "userProperties"];
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function bad(message: string): HttpError {
  return new HttpError(400, "invalid_body", message);
}

/** Standard base64 with padding; Buffer.from alone would skip any character it does not know. */
function base64(text: string, field: string): Buffer {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw bad(`${field}: not valid base64`);
  return Buffer.from(text, "base64");
}

function uint32(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw bad(`${field}: expected an integer from 0 to 4294967295`);
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string") throw bad(`${field}: expected a string`);
  if (value.includes("\u0000")) throw bad(`${field}: U+0000 is not allowed in an MQTT string`); // [MQTT-1.5.4-2]
  return value;
}

function userProperties(value: unknown): Array<[string, string]> {
  const pairs = Array.isArray(value) ? value : value !== null && typeof value === "object" ? Object.entries(value) : undefined;
  if (pairs === undefined || !pairs.every((p) => Array.isArray(p) && p.length === 2)) {
    throw bad("properties.userProperties: expected an object of strings or a list of [name, value] pairs");
  }
  return pairs.map(([k, v]) => [text(k, "properties.userProperties name"), text(v, "properties.userProperties value")]);
}

function readProperties(value: unknown): Properties {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw bad("properties: expected an object");
  const input = value as Record<string, unknown>;
  const properties: Properties = {};
  for (const key of Object.keys(input)) {
    if (!propertyKeys.includes(key)) throw bad(`properties.${key}: unknown; expected one of ${propertyKeys.join(", ")}`);
  }
  const { payloadFormatIndicator, messageExpiryInterval, contentType, responseTopic, correlationData } = input;
  if (payloadFormatIndicator !== undefined) {
    if (payloadFormatIndicator !== 0 && payloadFormatIndicator !== 1) throw bad("properties.payloadFormatIndicator: expected 0 or 1");
    properties.payloadFormatIndicator = payloadFormatIndicator;
  }
  if (messageExpiryInterval !== undefined) properties.messageExpiryInterval = uint32(messageExpiryInterval, "properties.messageExpiryInterval");
  if (contentType !== undefined) properties.contentType = text(contentType, "properties.contentType");
  if (responseTopic !== undefined) {
    properties.responseTopic = text(responseTopic, "properties.responseTopic");
    if (properties.responseTopic === "" || /[+#]/.test(properties.responseTopic)) throw bad("properties.responseTopic: expected a topic name without wildcards"); // v5 [MQTT-3.3.2-14]
  }
  if (correlationData !== undefined) properties.correlationData = base64(text(correlationData, "properties.correlationData"), "properties.correlationData");
  if (input.userProperties !== undefined) properties.userProperties = userProperties(input.userProperties);
  return properties;
}

export function readPublish(body: Record<string, unknown>): PublishBody {
  for (const key of Object.keys(body)) {
    if (!bodyKeys.has(key)) throw bad(`${key}: unknown field; expected ${[...bodyKeys].join(", ")}`);
  }
  const { topic, payload = "", encoding = "text", qos = 0, retain = false } = body;
  if (typeof topic !== "string" || topic === "") throw bad("topic: expected a non-empty string");
  if (typeof payload !== "string") throw bad("payload: expected a string (text, or base64 with encoding: \"base64\")");
  if (encoding !== "text" && encoding !== "base64") throw bad("encoding: expected \"text\" or \"base64\"");
  if (qos !== 0 && qos !== 1 && qos !== 2) throw bad("qos: expected 0, 1 or 2");
  if (typeof retain !== "boolean") throw bad("retain: expected true or false");
  const bytes = encoding === "base64" ? base64(payload, "payload") : Buffer.from(payload, "utf8");
  const properties = body.properties === undefined ? undefined : readProperties(body.properties);
  if (properties?.payloadFormatIndicator === 1) {
    try {
      strictUtf8.decode(bytes); // v5 [MQTT-3.3.2-4]: a payload said to be UTF-8 must be
    } catch {
      throw bad("payload: payloadFormatIndicator is 1 but the payload is not valid UTF-8");
    }
  }
  return { topicName: text(topic, "topic"), payload: bytes, qos, retain, properties };
}
