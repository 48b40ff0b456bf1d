// Topic matching benchmark: the core's TopicIndex vs qlobber (Aedes' matcher) vs the naive oracle,
// plus subscribe/unsubscribe rates and linear-memory bytes per subscription. One line per figure.
// Run: node --import tsx bench/core/match.bench.ts [subscriptions]
import qlobberModule from "qlobber";
import { Core } from "../../host/core/core.ts";
import { TopicIndex } from "../../host/core/topics.ts";
import { H_HEAP_TOP } from "../../host/core/layout.ts";
import { matches } from "../../test/oracle/matches.ts";
import { rng } from "../../test/oracle/random.ts";

const SUBSCRIPTIONS = Number(process.argv[2] ?? 1_000_000);
const TOPICS = 200_000;
const random = rng(42);
const int = (n: number) => Math.floor(random() * n);

// A 4-6 level namespace: region/site/device/metric[/channel[/part]].
function name(): string[] {
  const levels = [`r${int(10)}`, `s${int(100)}`, `d${int(1000)}`, `m${int(10)}`];
  if (random() < 0.5) levels.push(`c${int(4)}`);
  if (levels.length === 5 && random() < 0.5) levels.push(`p${int(3)}`);
  return levels;
}

function filter(): string {
  const levels = name();
  const r = random();
  if (r < 0.25) levels[1 + int(levels.length - 1)] = "+"; // one `+` level
  else if (r < 0.4) { levels.length = 3 + int(levels.length - 3); levels.push("#"); } // a subtree
  return levels.join("/");
}

// Rates are per CPU-second of this process (user + system), not wall time: the machine is shared,
// and CPU time keeps the three matchers comparable when other processes take the cores.
function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}
const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const line = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);

const filters = Array.from({ length: SUBSCRIPTIONS }, filter);
const topics = Array.from({ length: TOPICS }, () => name().join("/"));

// TopicIndex: subscribe, memory, match
const core = new Core();
const index = new TopicIndex(core);
const heapBefore = core.header(H_HEAP_TOP);
let t0 = cpuMs();
for (let i = 0; i < SUBSCRIPTIONS; i++) index.subscribe(i, filters[i]!, 1, 0);
let ms = cpuMs() - t0;
line(`topicindex subscribe (${SUBSCRIPTIONS} subs)`, `${rate(SUBSCRIPTIONS, ms)} subscribes/s`);
line("topicindex memory", `${((core.header(H_HEAP_TOP) - heapBefore) / SUBSCRIPTIONS).toFixed(1)} bytes/subscription`);

// qlobber on the same subscriptions and topics
const qlobber = new qlobberModule.Qlobber({ separator: "/", wildcard_one: "+", wildcard_some: "#" });
t0 = cpuMs();
for (let i = 0; i < SUBSCRIPTIONS; i++) qlobber.add(filters[i]!, i);
line(`qlobber add (${SUBSCRIPTIONS} subs)`, `${rate(SUBSCRIPTIONS, cpuMs() - t0)} subscribes/s`);

// matches, interleaved in chunks so that the shared machine's load hits all three alike;
// the broker passes topic bytes sliced from its inbox, hence the byte-topic variant (run on the
// other half's topics, so that it does not find the trie paths the string run just warmed)
const topicBytes = topics.map((t) => Buffer.from(t));
let delivered = 0, qDelivered = 0, indexMs = 0, bytesMs = 0, qlobberMs = 0;
const CHUNK = 10_000;
for (let from = 0; from < TOPICS; from += CHUNK) {
  t0 = cpuMs();
  for (let i = from; i < from + CHUNK; i++) delivered += index.match(topics[i]!, -1);
  indexMs += cpuMs() - t0;
  const other = (from + TOPICS / 2) % TOPICS;
  t0 = cpuMs();
  for (let i = other; i < other + CHUNK; i++) index.match(topicBytes[i]!, -1);
  bytesMs += cpuMs() - t0;
  t0 = cpuMs();
  for (let i = from; i < from + CHUNK; i++) qDelivered += qlobber.match(topics[i]!).length;
  qlobberMs += cpuMs() - t0;
}
line(`topicindex match (${SUBSCRIPTIONS} subs)`, `${rate(TOPICS, indexMs)} matches/s (${(delivered / TOPICS).toFixed(2)} recipients/match)`);
line(`topicindex match, topic as bytes (${SUBSCRIPTIONS} subs)`, `${rate(TOPICS, bytesMs)} matches/s`);
line(`qlobber match (${SUBSCRIPTIONS} subs)`, `${rate(TOPICS, qlobberMs)} matches/s (${(qDelivered / TOPICS).toFixed(2)} recipients/match)`);
line("topicindex vs qlobber", `${(qlobberMs / indexMs).toFixed(1)}x faster (string topics), ${(qlobberMs / bytesMs).toFixed(1)}x (byte topics)${qDelivered === delivered ? "" : " (RECIPIENT COUNTS DIFFER)"}`);

// the naive oracle on a smaller set (it scans every filter per topic)
const SMALL = 2_000, SMALL_TOPICS = 2_000, ROUNDS = 200; // 200 rounds: a window long enough that a GC pause elsewhere does not dominate it
const small = new TopicIndex(new Core());
for (let i = 0; i < SMALL; i++) small.subscribe(i, filters[i]!, 1, 0);
let oracleHits = 0;
t0 = cpuMs();
for (let i = 0; i < SMALL_TOPICS; i++) for (let f = 0; f < SMALL; f++) if (matches(topics[i]!, filters[f]!)) oracleHits++;
const oracleMs = cpuMs() - t0;
let smallHits = 0;
t0 = cpuMs();
for (let round = 0; round < ROUNDS; round++) for (let i = 0; i < SMALL_TOPICS; i++) smallHits += small.match(topics[i]!, -1);
const smallMs = (cpuMs() - t0) / ROUNDS;
line(`oracle match (${SMALL} subs)`, `${rate(SMALL_TOPICS, oracleMs)} matches/s`);
line(`topicindex match (${SMALL} subs)`, `${rate(SMALL_TOPICS, smallMs)} matches/s (${(oracleMs / smallMs).toFixed(0)}x oracle${smallHits / ROUNDS === oracleHits ? "" : ", COUNTS DIFFER"})`);

// unsubscribe everything
t0 = cpuMs();
for (let i = 0; i < SUBSCRIPTIONS; i++) index.unsubscribe(i, filters[i]!);
ms = cpuMs() - t0;
line(`topicindex unsubscribe (${SUBSCRIPTIONS} subs)`, `${rate(SUBSCRIPTIONS, ms)} unsubscribes/s (left ${index.subscriptionCount})`);
