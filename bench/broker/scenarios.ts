// The scenarios: what each one sends, to whom, at which QoS and window, and which brokers can run it
// (the ceiling forwards QoS 0 by exact topic only). `headline` marks issue 11's shapes (the README's
// ratios and targets come from them); the rest are extra rows. `plan()` turns a flow into topics and streams.

export interface FlowParams {
  kind: "flow";
  layout: "pairs" | "fanout" | "wildcard" | "sensors";
  /** pairs: number of pairs; fanout: number of subscribers. */
  count: number;
  qos: 0 | 1 | 2;
  payloadLength: number;
  /** Messages a publisher may have not yet delivered to all its subscribers (closed loop). */
  window: number;
  /** Open loop: total messages per second instead of a window, spread round-robin over the publishers. */
  rate?: number;
  /** Open loop: each message is its own socket write (with noDelay, its own TCP segment). */
  onePerWrite?: boolean;
  /** Record per-message end-to-end latency (and publish-to-ack latency at QoS > 0). */
  latency: boolean;
  /** How the load generator connects (bench/broker/transports.ts). Default tcp. */
  transport?: "tcp" | "tls" | "ws";
  /** Sessions that outlive the connection (3.1.1 clean session 0): what a durable broker writes to disk. */
  persistent?: boolean;
  /** A client subscribed to `#` that never reads joins as the measured phase starts (issue 9: a slow subscriber must
   *  not slow anyone else): every message also goes to it. */
  stalledWildcard?: boolean;
}
export interface RetainedParams { kind: "retained"; topics: number }
/** `max` idle connections (capped by the open-file limits), `concurrency` connecting at a time. */
export interface ConnsParams { kind: "conns"; max: number; concurrency: number }
/** autocannon against POST /api/v1/publish (deliveries checked) or GET /metrics (bench/broker/http-load.ts). */
export interface HttpParams { kind: "http"; connections: number; target: "publish" | "metrics" }
export type Params = FlowParams | RetainedParams | ConnsParams | HttpParams;

export interface Scenario {
  name: string;
  group: string;
  params: Params;
  /** Needs MQTT semantics the ceiling forwarder does not have. */
  semantics: boolean;
  /** One of issue 11's shapes: selected by `--scenario headline`, used by the README's ratios and targets. */
  headline?: boolean;
  /** Default duration (s) and repetitions. */
  duration: number;
  reps: number;
  /** The brokers it compares, when not the ones asked for with --brokers. */
  brokers?: string[];
}

const flow = (p: Omit<FlowParams, "kind">): FlowParams => ({ kind: "flow", ...p });

const qos0 = { qos: 0 as const, payloadLength: 64, latency: false };
const open = (rate: number): FlowParams => flow({ layout: "pairs", count: 50, ...qos0, window: 0, rate, onePerWrite: true, latency: true });

export const scenarios: Scenario[] = [
  { name: "pairs50-w256", group: "pairs", params: flow({ layout: "pairs", count: 50, ...qos0, window: 256 }), semantics: false, headline: true, duration: 2, reps: 3 },
  { name: "pairs200-w256", group: "pairs", params: flow({ layout: "pairs", count: 200, ...qos0, window: 256 }), semantics: false, headline: true, duration: 2, reps: 3 },
  { name: "pairs50-w16", group: "pairs", params: flow({ layout: "pairs", count: 50, ...qos0, window: 16 }), semantics: false, headline: true, duration: 2, reps: 3 },
  { name: "qos1-50", group: "qos1", params: flow({ layout: "pairs", count: 50, qos: 1, payloadLength: 64, window: 64, latency: true }), semantics: true, headline: true, duration: 2, reps: 3 },
  { name: "qos2-50", group: "qos2", params: flow({ layout: "pairs", count: 50, qos: 2, payloadLength: 64, window: 20, latency: true }), semantics: true, headline: true, duration: 2, reps: 3 },
  { name: "sensors", group: "wildcard", params: flow({ layout: "sensors", count: 10000, ...qos0, window: 256 }), semantics: true, headline: true, duration: 2, reps: 3 },
  { name: "open-5k", group: "open", params: open(5000), semantics: false, headline: true, duration: 3, reps: 3 },
  { name: "open-20k", group: "open", params: open(20000), semantics: false, headline: true, duration: 3, reps: 3 },
  { name: "storm", group: "conns", params: { kind: "conns", max: 10_000, concurrency: 64 }, semantics: false, headline: true, duration: 0, reps: 3 },
  { name: "large-16M", group: "large", params: flow({ layout: "pairs", count: 1, qos: 0, payloadLength: 16 << 20, window: 2, latency: false }), semantics: false, headline: true, duration: 4, reps: 3 },
  { name: "pairs-w16", group: "pairs", params: flow({ layout: "pairs", count: 10, ...qos0, window: 16 }), semantics: false, duration: 2, reps: 1 },
  { name: "pairs-w256", group: "pairs", params: flow({ layout: "pairs", count: 10, ...qos0, window: 256 }), semantics: false, duration: 2, reps: 1 },
  { name: "fanout-100", group: "fanout", params: flow({ layout: "fanout", count: 100, ...qos0, window: 32 }), semantics: false, duration: 2, reps: 1 },
  { name: "fanout-1000", group: "fanout", params: flow({ layout: "fanout", count: 1000, ...qos0, window: 16 }), semantics: false, duration: 2, reps: 1 },
  { name: "latency-stalled", group: "latency", params: flow({ layout: "pairs", count: 10, qos: 0, payloadLength: 1024, window: 0, rate: 10000, latency: true, stalledWildcard: true }), semantics: true, duration: 3, reps: 1 },
  { name: "latency-20k", group: "latency", params: flow({ layout: "pairs", count: 1, qos: 0, payloadLength: 64, window: 0, rate: 20000, latency: true }), semantics: false, duration: 2, reps: 1 },
  { name: "wildcard", group: "wildcard", params: flow({ layout: "wildcard", count: 10000, ...qos0, window: 64 }), semantics: true, duration: 2, reps: 1 },
  { name: "retained", group: "retained", params: { kind: "retained", topics: 100_000 }, semantics: true, duration: 0, reps: 1 },
  { name: "conns", group: "conns", params: { kind: "conns", max: 10_000, concurrency: 100 }, semantics: false, duration: 0, reps: 1 },
  { name: "large-1M", group: "large", params: flow({ layout: "pairs", count: 1, qos: 0, payloadLength: 1 << 20, window: 4, latency: false }), semantics: false, duration: 2, reps: 1 },
  { name: "ws-pairs", group: "ws", params: flow({ layout: "pairs", count: 10, qos: 0, payloadLength: 64, window: 256, latency: false, transport: "ws" }), semantics: false, duration: 2, reps: 2 },
  { name: "tls-pairs", group: "tls", params: flow({ layout: "pairs", count: 10, qos: 0, payloadLength: 64, window: 256, latency: false, transport: "tls" }), semantics: false, duration: 2, reps: 2 },
  // The qos1 pairs with persistent sessions: quarkmq's lmdb store (PUBACK after the fsync'd commit), Mosquitto with
  // `persistence true` (weaker: a snapshot every autosave_interval), quarkmq in memory.
  { name: "qos1-durable", group: "qos1-durable", params: flow({ layout: "pairs", count: 10, qos: 1, payloadLength: 64, window: 64, latency: true, persistent: true }), semantics: true, duration: 2, reps: 2,
    brokers: ["quarkmq-lmdb", "mosquitto-persistent", "quarkmq"] },
  { name: "http-publish", group: "http", params: { kind: "http", connections: 50, target: "publish" }, semantics: true, duration: 2, reps: 2 },
  { name: "http-metrics", group: "http", params: { kind: "http", connections: 50, target: "metrics" }, semantics: true, duration: 2, reps: 2 },
];

export interface Plan {
  topics: string[];
  streamPublisher: number[];
  streamSubscribers: number[][];
  publishers: number;
  subscriberFilters: string[][];
}

const WILD_SUBSCRIBERS = 50;
const WILD_HASH = 4;
const WILD_PUBLISHERS = 10;
const SENSOR_SUBSCRIBERS = 100;
const SENSOR_HASH = 2;
const SENSOR_PUBLISHERS = 4;

export function plan(p: FlowParams): Plan {
  if (p.layout === "pairs") {
    const topics = Array.from({ length: p.count }, (_, i) => `bench/p/${i}`);
    return { topics, streamPublisher: topics.map((_, i) => i), streamSubscribers: topics.map((_, i) => [i]), publishers: p.count, subscriberFilters: topics.map((t) => [t]) };
  }
  if (p.layout === "fanout") {
    const subs = Array.from({ length: p.count }, (_, i) => i);
    return { topics: ["bench/f"], streamPublisher: [0], streamSubscribers: [subs], publishers: 1, subscriberFilters: subs.map(() => ["bench/f"]) };
  }
  if (p.layout === "sensors") return sensors(p.count);
  // wildcard: count `+` filters over WILD_SUBSCRIBERS connections, each topic matching exactly one of them,
  // plus WILD_HASH `#` filters on their own connections that match the topics of the first WILD_HASH subscribers.
  const perSub = Math.ceil(p.count / WILD_SUBSCRIBERS);
  const topics: string[] = [];
  const streamSubscribers: number[][] = [];
  const subscriberFilters: string[][] = [];
  for (let s = 0; s < WILD_SUBSCRIBERS; s++) {
    subscriberFilters.push([]);
    for (let j = 0; j < perSub; j++) {
      subscriberFilters[s].push(`bench/w/${s}/${j}/+`);
      topics.push(`bench/w/${s}/${j}/t`);
      streamSubscribers.push(s < WILD_HASH ? [s, WILD_SUBSCRIBERS + s] : [s]);
    }
  }
  for (let k = 0; k < WILD_HASH; k++) subscriberFilters.push([`bench/w/${k}/#`]);
  return { topics, streamPublisher: topics.map((_, i) => i % WILD_PUBLISHERS), streamSubscribers, publishers: WILD_PUBLISHERS, subscriberFilters };
}

/** sensors: `count` filters `sensors/<i>/+/temp` over SENSOR_SUBSCRIBERS connections, each topic
 * `sensors/<i>/<room>/temp` matching exactly one of them, and SENSOR_HASH connections on `#` that get every message. */
function sensors(count: number): Plan {
  const topics: string[] = [];
  const streamSubscribers: number[][] = [];
  const subscriberFilters: string[][] = Array.from({ length: SENSOR_SUBSCRIBERS }, () => []);
  const hash = Array.from({ length: SENSOR_HASH }, (_, k) => SENSOR_SUBSCRIBERS + k);
  for (let i = 0; i < count; i++) {
    const owner = i % SENSOR_SUBSCRIBERS;
    subscriberFilters[owner].push(`sensors/${i}/+/temp`);
    topics.push(`sensors/${i}/room${i % 13}/temp`);
    streamSubscribers.push([owner, ...hash]);
  }
  for (let k = 0; k < SENSOR_HASH; k++) subscriberFilters.push(["#"]);
  return { topics, streamPublisher: topics.map((_, i) => i % SENSOR_PUBLISHERS), streamSubscribers, publishers: SENSOR_PUBLISHERS, subscriberFilters };
}
