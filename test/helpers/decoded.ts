// Turns a framed record into the fixture table's Decoded shape, through the Codec's read* methods only.
import type { Codec } from "./codec.ts";
import type { Decoded } from "../fixtures/packets.ts";
import { R_TYPE, R_FLAGS, R_PACKET_ID, R_TOPIC_OFFSET, R_TOPIC_LENGTH, R_PAYLOAD_OFFSET, R_PAYLOAD_LENGTH, R_REASON, R_EXTRA } from "../../host/core/layout.ts";

export function decodedOf(codec: Codec, r: number, bytes: Buffer): Decoded {
  const type = codec.word(r, R_TYPE), flags = codec.word(r, R_FLAGS);
  const w = (i: number) => codec.word(r, i);
  switch (type) {
    case 1: return { type, flags, connect: codec.readConnect(r, bytes) };
    case 2: return { type, flags, sessionPresent: w(R_EXTRA) === 1, reasonCode: w(R_REASON), properties: codec.readProperties(r, bytes) };
    case 3: return {
      type, flags, packetId: w(R_PACKET_ID),
      topicName: bytes.toString("utf8", w(R_TOPIC_OFFSET), w(R_TOPIC_OFFSET) + w(R_TOPIC_LENGTH)),
      payload: Buffer.from(bytes.subarray(w(R_PAYLOAD_OFFSET), w(R_PAYLOAD_OFFSET) + w(R_PAYLOAD_LENGTH))),
      properties: codec.readProperties(r, bytes),
    };
    case 8: return { type, flags, subscribe: codec.readSubscribe(r, bytes) };
    case 9: case 11: return { type, flags, packetId: w(R_PACKET_ID), reasonCodes: codec.readReasonCodes(r), properties: codec.readProperties(r, bytes) };
    case 10: return { type, flags, unsubscribe: codec.readUnsubscribe(r, bytes) };
    case 12: case 13: return { type, flags };
    case 14: case 15: return { type, flags, reasonCode: w(R_REASON), properties: codec.readProperties(r, bytes) };
    default: return { type, flags, packetId: w(R_PACKET_ID), reasonCode: w(R_REASON), properties: codec.readProperties(r, bytes) };
  }
}
