// `$SYS/broker/...` topics with Mosquitto's names and meanings (mosquitto(8), "Broker Status"), published
// retained every sysInterval seconds, each only when its value changed; the load/... topics are Mosquitto's
// moving averages of a per-minute rate over 1, 5 and 15 minutes; limits/<limit>/hits are quarkmq's own (every limit
// hit and refusal, as /metrics counts them).
import { packageVersion } from "../config/cli-args.ts";
import { messageFrom } from "../routing/message.ts";
import { counters, LIMITS, totals, type CounterView, type HttpBroker } from "./broker-view.ts";

/** A by-QoS counter summed over QoS 0, 1 and 2. */
function allQos(byQos: readonly number[]): number {
  return byQos[0]! + byQos[1]! + byQos[2]!;
}

/** Counters whose rate the load/... topics average: topic middle → reading. */
const loadSources: Array<[string, (c: CounterView) => number]> = [
  ["messages/received", (c) => c.packetsReceived],
  ["messages/sent", (c) => c.packetsSent],
  ["publish/received", (c) => allQos(c.publishReceived)],
  ["publish/sent", (c) => allQos(c.publishSent)],
  ["publish/dropped", (c) => c.droppedTotal],
  ["bytes/received", (c) => c.bytesReceived],
  ["bytes/sent", (c) => c.bytesSent],
  ["sockets", (c) => c.socketsAccepted],
  ["connections", (c) => c.connectsAccepted],
];
const windows: Array<[string, number]> = [["1min", 60], ["5min", 300], ["15min", 900]];

export class SysTopics {
  private timer: NodeJS.Timeout | undefined;
  private readonly published = new Map<string, string>();
  private readonly started = Date.now();
  private lastTick = 0;
  private lastReadings: number[] = [];
  /** Moving averages, [source][window]. */
  private readonly loads = loadSources.map(() => windows.map(() => 0));
  private maximumClients = 0;

  constructor(private readonly broker: HttpBroker, private readonly intervalSeconds: number) {}

  start(): void {
    if (this.intervalSeconds <= 0 || this.timer !== undefined) return;
    this.set("$SYS/broker/version", `quarkmq version ${packageVersion()}`);
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalSeconds * 1000).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Publishes every value that changed since the last tick. */
  tick(): void {
    const now = Date.now();
    const t = totals(this.broker);
    const c = counters(this.broker);
    let connected = 0;
    for (const n of t.connectionsByTransport.values()) connected += n;
    const total = t.sessionsOnline + t.sessionsOffline;
    this.maximumClients = Math.max(this.maximumClients, total);
    const values: Array<[string, number | string]> = [
      ["uptime", `${Math.floor((now - this.started) / 1000)} seconds`],
      ["clients/connected", connected],
      ["clients/disconnected", t.sessionsOffline], // persistent sessions whose client is not connected
      ["clients/total", total],
      ["clients/maximum", this.maximumClients],
      ["messages/received", c.packetsReceived],
      ["messages/sent", c.packetsSent],
      ["messages/inflight", t.inflight],
      ["publish/messages/received", allQos(c.publishReceived)],
      ["publish/messages/sent", allQos(c.publishSent)],
      ["publish/messages/dropped", c.droppedTotal],
      ["publish/bytes/received", allQos(c.publishReceivedBytes)],
      ["publish/bytes/sent", allQos(c.publishSentBytes)],
      ["bytes/received", c.bytesReceived],
      ["bytes/sent", c.bytesSent],
      ["subscriptions/count", t.subscriptions],
      ["retained messages/count", t.retained],
      ["store/messages/count", t.retained + t.queued],
    ];
    for (const [name, value] of values) this.set(`$SYS/broker/${name}`, String(value));
    // Ours, not Mosquitto's: each limit and refusal counter, named as /metrics labels quarkmq_limits_hit_total.
    for (let i = 0; i < LIMITS.length; i++) this.set(`$SYS/broker/limits/${LIMITS[i]}/hits`, String(c.limits[i]));
    this.updateLoads(now, c);
  }

  /** Mosquitto's calc_load: rate = count in the interval scaled to a minute; average = rate + e^(-dt/W) (average - rate). */
  private updateLoads(now: number, c: CounterView): void {
    const readings = loadSources.map(([, read]) => read(c));
    const initial = this.lastTick === 0;
    const dt = (now - this.lastTick) / 1000;
    loadSources.forEach(([name], i) => {
      windows.forEach(([label, seconds], w) => {
        if (!initial && dt > 0) {
          const rate = (readings[i]! - this.lastReadings[i]!) * (60 / dt);
          this.loads[i]![w] = rate + Math.exp(-dt / seconds) * (this.loads[i]![w]! - rate);
        }
        this.set(`$SYS/broker/load/${name}/${label}`, this.loads[i]![w]!.toFixed(2));
      });
    });
    this.lastReadings = readings;
    this.lastTick = now;
  }

  private set(topicName: string, value: string): void {
    if (this.published.get(topicName) === value) return;
    this.published.set(topicName, value);
    this.broker.publishMessage(messageFrom(topicName, Buffer.from(value), 0, true, undefined), -1);
  }
}
