// MQTT 5.0 property identifiers (2.2.2.2) by their Properties key, with the data type the codec uses
// to read and write them. The core's table (assembly/wire/property-table.ts) declares them;
// test/core/property-table.test.ts checks these against it.
import type { Properties } from "./packets.ts";

export const T_BYTE = 1, T_U16 = 2, T_U32 = 3, T_VARINT = 4, T_STRING = 5, T_BINARY = 6, T_PAIR = 7;

export type PropertyKey = keyof Properties;

export const PROPERTY_IDS: ReadonlyArray<readonly [PropertyKey, number, number]> = [
  ["payloadFormatIndicator", 0x01, T_BYTE],
  ["messageExpiryInterval", 0x02, T_U32],
  ["contentType", 0x03, T_STRING],
  ["responseTopic", 0x08, T_STRING],
  ["correlationData", 0x09, T_BINARY],
  ["subscriptionIdentifiers", 0x0b, T_VARINT],
  ["sessionExpiryInterval", 0x11, T_U32],
  ["assignedClientIdentifier", 0x12, T_STRING],
  ["serverKeepAlive", 0x13, T_U16],
  ["authenticationMethod", 0x15, T_STRING],
  ["authenticationData", 0x16, T_BINARY],
  ["requestProblemInformation", 0x17, T_BYTE],
  ["willDelayInterval", 0x18, T_U32],
  ["requestResponseInformation", 0x19, T_BYTE],
  ["responseInformation", 0x1a, T_STRING],
  ["serverReference", 0x1c, T_STRING],
  ["reasonString", 0x1f, T_STRING],
  ["receiveMaximum", 0x21, T_U16],
  ["topicAliasMaximum", 0x22, T_U16],
  ["topicAlias", 0x23, T_U16],
  ["maximumQoS", 0x24, T_BYTE],
  ["retainAvailable", 0x25, T_BYTE],
  ["userProperties", 0x26, T_PAIR],
  ["maximumPacketSize", 0x27, T_U32],
  ["wildcardSubscriptionAvailable", 0x28, T_BYTE],
  ["subscriptionIdentifierAvailable", 0x29, T_BYTE],
  ["sharedSubscriptionAvailable", 0x2a, T_BYTE],
];

/** Property key and type by identifier. */
export const PROPERTY_BY_ID: ReadonlyArray<readonly [PropertyKey, number] | undefined> = (() => {
  const table: Array<readonly [PropertyKey, number] | undefined> = [];
  for (const [key, id, type] of PROPERTY_IDS) table[id] = [key, type];
  return table;
})();
