// The scenarios: what each one sends, to whom, at which QoS and window, and which brokers can run it
// (the ceiling forwards QoS 0 by exact topic only). `plan()` turns a flow scenario into topics and streams.

export interface FlowParams {
  kind: "flow";
  layout: "pairs" | "fanout" | "wildcard";
  /** pairs: number of pairs; fanout: number of subscribers. */
  count: number;
  qos: 0 | 1 | 2;
  payloadLength: number;
  /** Messages a publisher may have not yet delivered to all its subscribers (closed loop). */
  window: number;
  /** Open loop: total messages per second instead of a window. */
  rate?: number;
  /** Record per-message end-to-end latency (and publish-to-ack latency at QoS > 0). */
  latency: boolean;
  /** How the load generator connects (bench/broker/transports.ts). Default tcp. */
  transport?: "tcp" | "tls" | "ws";
  /** Sessions that outlive the connection (3.1.1 clean session 0): what a durable broker writes to disk. */
  persistent?: boolean;
}
export interface RetainedParams { kind: "retained"; topics: number }
export interface ConnsParams { kind: "conns"; max: number }
export interface HttpParams { kind: "http"; connections: number }
export type Params = FlowParams | RetainedParams | ConnsParams | HttpParams;

export interface Scenario {
  name: string;
  group: string;
  params: Params;
  /** Needs MQTT semantics the ceiling forwarder does not have. */
  semantics: boolean;
  /** Default duration (s) and repetitions. */
  duration: number;
  reps: number;
  /** The brokers it compares, when not the ones asked for with --brokers. */
  brokers?: string[];
}

const flow = (p: Omit<FlowParams, "kind">): FlowParams => ({ kind: "flow", ...p });

export const scenarios: Scenario[] = [
  { name: "pairs-w16", group: "pairs", params: flow({ layout: "pairs", count: 10, qos: 0, payloadLength: 64, window: 16, latency: false }), semantics: false, duration: 2, reps: 3 },
  { name: "pairs-w256", group: "pairs", params: flow({ layout: "pairs", count: 10, qos: 0, payloadLength: 64, window: 256, latency: false }), semantics: false, duration: 2, reps: 3 },
  { name: "fanout-100", group: "fanout", params: flow({ layout: "fanout", count: 100, qos: 0, payloadLength: 64, window: 32, latency: false }), semantics: false, duration: 2, reps: 3 },
  { name: "fanout-1000", group: "fanout", params: flow({ layout: "fanout", count: 1000, qos: 0, payloadLength: 64, window: 16, latency: false }), semantics: false, duration: 2, reps: 2 },
  { name: "qos1", group: "qos1", params: flow({ layout: "pairs", count: 10, qos: 1, payloadLength: 64, window: 64, latency: true }), semantics: true, duration: 2, reps: 2 },
  { name: "qos2", group: "qos2", params: flow({ layout: "pairs", count: 10, qos: 2, payloadLength: 64, window: 64, latency: true }), semantics: true, duration: 2, reps: 2 },
  { name: "latency-5k", group: "latency", params: flow({ layout: "pairs", count: 1, qos: 0, payloadLength: 64, window: 0, rate: 5000, latency: true }), semantics: false, duration: 2, reps: 2 },
  { name: "latency-20k", group: "latency", params: flow({ layout: "pairs", count: 1, qos: 0, payloadLength: 64, window: 0, rate: 20000, latency: true }), semantics: false, duration: 2, reps: 2 },
  { name: "wildcard", group: "wildcard", params: flow({ layout: "wildcard", count: 10000, qos: 0, payloadLength: 64, window: 64, latency: false }), semantics: true, duration: 2, reps: 2 },
  { name: "retained", group: "retained", params: { kind: "retained", topics: 100_000 }, semantics: true, duration: 0, reps: 1 },
  { name: "conns", group: "conns", params: { kind: "conns", max: 10_000 }, semantics: false, duration: 0, reps: 2 },
  { name: "large-1M", group: "large", params: flow({ layout: "pairs", count: 1, qos: 0, payloadLength: 1 << 20, window: 4, latency: false }), semantics: false, duration: 2, reps: 2 },
  { name: "large-16M", group: "large", params: flow({ layout: "pairs", count: 1, qos: 0, payloadLength: 16 << 20, window: 2, latency: false }), semantics: false, duration: 2, reps: 1 },
  { name: "ws-pairs", group: "ws", params: flow({ layout: "pairs", count: 10, qos: 0, payloadLength: 64, window: 256, latency: false, transport: "ws" }), semantics: false, duration: 2, reps: 2 },
  { name: "tls-pairs", group: "tls", params: flow({ layout: "pairs", count: 10, qos: 0, payloadLength: 64, window: 256, latency: false, transport: "tls" }), semantics: false, duration: 2, reps: 2 },
  // The qos1 pairs with persistent sessions: quarkmq's lmdb store (PUBACK after the fsync'd commit), Mosquitto with
  // `persistence true` (weaker: a snapshot every autosave_interval), quarkmq in memory.
  { name: "qos1-durable", group: "qos1-durable", params: flow({ layout: "pairs", count: 10, qos: 1, payloadLength: 64, window: 64, latency: true, persistent: true }), semantics: true, duration: 2, reps: 2,
    brokers: ["quarkmq-lmdb", "mosquitto-persistent", "quarkmq"] },
  { name: "http", group: "http", params: { kind: "http", connections: 50 }, semantics: true, duration: 2, reps: 1 },
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

export function plan(p: FlowParams): Plan {
  if (p.layout === "pairs") {
    const topics = Array.from({ length: p.count }, (_, i) => `bench/p/${i}`);
    return { topics, streamPublisher: topics.map((_, i) => i), streamSubscribers: topics.map((_, i) => [i]), publishers: p.count, subscriberFilters: topics.map((t) => [t]) };
  }
  if (p.layout === "fanout") {
    const subs = Array.from({ length: p.count }, (_, i) => i);
    return { topics: ["bench/f"], streamPublisher: [0], streamSubscribers: [subs], publishers: 1, subscriberFilters: subs.map(() => ["bench/f"]) };
  }
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
