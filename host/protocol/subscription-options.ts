// The Subscription Options byte of a SUBSCRIBE (v5 3.8.3.1; 3.1.1 uses the QoS bits only), as the session keeps
// it and the topic index returns it per match (the core's match output keeps the same bit for retain-as-published).
export const QOS_MASK = 0x03;
export const NO_LOCAL = 0x04;
export const RETAIN_AS_PUBLISHED = 0x08;
export const RETAIN_HANDLING_SHIFT = 4;

/** The options byte of a granted subscription. */
export function optionsByte(qos: number, noLocal: boolean, retainAsPublished: boolean, retainHandling: number): number {
  return qos | (noLocal ? NO_LOCAL : 0) | (retainAsPublished ? RETAIN_AS_PUBLISHED : 0) | (retainHandling << RETAIN_HANDLING_SHIFT);
}
