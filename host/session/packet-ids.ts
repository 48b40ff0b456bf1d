// Packet identifier allocation for one session's outbound QoS 1/2 messages: the next free id in
// 1..65535, skipping ids still in flight v5 [MQTT-2.2.1-4].
export class PacketIds {
  private last = 0;

  /** The next id not in `inUse`, or 0 when all 65,535 are taken. */
  next(inUse: { has(id: number): boolean; readonly size: number }): number {
    if (inUse.size >= 65535) return 0;
    let id = this.last;
    do {
      id = id === 65535 ? 1 : id + 1;
    } while (inUse.has(id));
    this.last = id;
    return id;
  }
}
