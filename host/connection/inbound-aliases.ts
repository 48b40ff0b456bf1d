// v5 Topic Aliases a client sets towards the broker (spec 3.3.2.3.4): alias → topic name bytes, for the life of one
// network connection. A connection makes one on the first PUBLISH with an alias.
import { MqttError } from "../protocol/mqtt-error.ts";
import { ReasonCode } from "../protocol/reason-code.ts";

export class InboundAliases {
  private readonly topics: Array<Uint8Array | undefined> = [];

  /** The topic of a PUBLISH with Topic Alias `alias` (0: none) and topic name `topic` (maybe empty): a topic
   *  given with an alias sets it, an empty one uses it. `maximum` is the broker's Topic Alias Maximum. */
  resolve(topic: Uint8Array, alias: number, maximum: number): Uint8Array {
    if (alias === 0) throw new MqttError(ReasonCode.ProtocolError, "empty topic name without topic alias");
    if (alias > maximum) throw new MqttError(ReasonCode.TopicAliasInvalid); // v5 [MQTT-3.3.2-9]
    if (topic.length > 0) {
      this.topics[alias] = Buffer.from(topic);
      return topic;
    }
    const known = this.topics[alias];
    if (known === undefined) throw new MqttError(ReasonCode.ProtocolError, "unknown topic alias");
    return known;
  }
}
