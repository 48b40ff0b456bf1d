// One session's subscriptions by topic filter, and how many carry a v5 subscription identifier (the count routing
// reads to ask the core for identifiers only when some exist). The topic index holds the same filters in the core.

export interface SessionSubscription {
  /** The SUBSCRIBE options byte as granted. */
  options: number;
  subscriptionId: number;
}

export class Subscriptions {
  private readonly map = new Map<string, SessionSubscription>();
  private idCount = 0;

  get size(): number {
    return this.map.size;
  }

  /** Subscriptions carrying a v5 subscription identifier. */
  get subscriptionIdCount(): number {
    return this.idCount;
  }

  get(topicFilter: string): Readonly<SessionSubscription> | undefined {
    return this.map.get(topicFilter);
  }

  /** Records a subscription as granted (new, or replacing one with the same filter). */
  add(topicFilter: string, options: number, subscriptionId: number): void {
    const previous = this.map.get(topicFilter);
    if (previous !== undefined && previous.subscriptionId !== 0) this.idCount--;
    if (subscriptionId !== 0) this.idCount++;
    this.map.set(topicFilter, { options, subscriptionId });
  }

  /** Forgets a subscription; false when there was none. */
  remove(topicFilter: string): boolean {
    const subscription = this.map.get(topicFilter);
    if (subscription === undefined) return false;
    if (subscription.subscriptionId !== 0) this.idCount--;
    this.map.delete(topicFilter);
    return true;
  }

  /** Every subscription with its topic filter. */
  entries(): Iterable<[string, Readonly<SessionSubscription>]> {
    return this.map.entries();
  }

  topicFilters(): Iterable<string> {
    return this.map.keys();
  }
}
