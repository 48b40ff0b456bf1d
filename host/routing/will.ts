// Will messages (spec 3.1.2.5): turning a CONNECT's will into a routed message. When it goes out
// (now, after the Will Delay Interval, or never) is decided by Session.detach.
import type { Will } from "../core/packets.ts";
import { Message, messageFrom } from "./message.ts";

export function willMessage(will: Will): Message {
  return messageFrom(will.topicName, will.payload, will.qos, will.retain,
    Object.keys(will.properties).length > 0 ? will.properties : undefined);
}
