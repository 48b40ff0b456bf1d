// v5 Topic Aliases the broker sets towards one client (spec 3.3.2.3.4): topic name → alias, at most the
// client's CONNECT Topic Alias Maximum of them, for the life of one network connection [MQTT-3.3.2-7].
// A connection has one only when the client allows aliases, so nobody else pays for it.

export class OutboundAliases {
  private readonly aliases = new Map<string, number>();

  /** `maximum` is the client's Topic Alias Maximum, > 0. */
  constructor(readonly maximum: number) {}

  /** The alias already set for `topicName`, or 0. */
  get(topicName: string): number {
    return this.aliases.get(topicName) ?? 0;
  }

  /** The alias a PUBLISH may set for a topic without one, or 0 when all are taken. Aliases are handed out
   *  1, 2, ... up to the maximum: never 0, never above it v5 [MQTT-3.3.2-8] [MQTT-3.3.2-11] [MQTT-3.1.2-26]. */
  next(): number {
    return this.aliases.size < this.maximum ? this.aliases.size + 1 : 0;
  }

  /** Records the alias once the PUBLISH carrying both the topic name and the alias was written. */
  set(topicName: string, alias: number): void {
    this.aliases.set(topicName, alias);
  }
}
