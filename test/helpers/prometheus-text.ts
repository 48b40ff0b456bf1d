// A strict reader of the Prometheus text exposition format (0.0.4): every sample belongs to a family
// declared by # HELP and # TYPE before it, names and labels are well formed, values are numbers, no
// series repeats, counters end in _total. Throws on the first violation, naming the line.
export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Record<string, string[]> = { histogram: ["_bucket", "_sum", "_count"], summary: ["", "_sum", "_count"] };

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (m === null) throw new Error(`line ${line}: malformed labels {${text}}`);
    if (m[1]! in labels) throw new Error(`line ${line}: label ${m[1]} twice`);
    labels[m[1]!] = m[2]!.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
  }
  return labels;
}

/** As Prometheus reads values (Go's strconv.ParseFloat): NaN and Inf in any case; prom-client writes NaN as "Nan". */
function parseValue(text: string, line: number): number {
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`line ${line}: value ${JSON.stringify(text)} is not a number`);
  return Number(text);
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  text.slice(0, -1).split("\n").forEach((raw, i) => {
    const line = i + 1;
    if (raw === "") return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!NAME.test(name!)) throw new Error(`line ${line}: bad metric name ${name}`);
      const family = families.get(name!) ?? { name: name!, type: "", help: "", samples: [] };
      if (family.samples.length > 0) throw new Error(`line ${line}: # ${kind} after samples of ${name}`);
      if (kind === "TYPE") {
        if (!TYPES.has(rest!) || family.type !== "") throw new Error(`line ${line}: bad or repeated TYPE ${rest}`);
        if (rest === "counter" && !name!.endsWith("_total") && !name!.startsWith("process_cpu") && !name!.startsWith("nodejs_gc")) {
          throw new Error(`line ${line}: counter ${name} does not end in _total`);
        }
        family.type = rest!;
      } else family.help = rest!;
      families.set(name!, family);
      return;
    }
    if (raw.startsWith("#")) return;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(raw);
    if (!sample) throw new Error(`line ${line}: not a sample: ${raw}`);
    const [, name, labelText, valueText] = sample;
    const family = [...families.values()].find((f) => f.name === name || (SUFFIXES[f.type] ?? []).some((s) => f.name + s === name))
      ?? families.get(name!.replace(/_total$/, ""));
    if (family === undefined || family.type === "") throw new Error(`line ${line}: sample ${name} without a # TYPE before it`);
    const labels = labelText ? parseLabels(labelText, line) : {};
    const key = `${name}{${Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(",")}}`;
    if (seen.has(key)) throw new Error(`line ${line}: series ${key} twice`);
    seen.add(key);
    family.samples.push({ name: name!, labels, value: parseValue(valueText!, line) });
  });
  return families;
}

/** The value of one series; throws when it is not there. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  for (const family of families.values()) {
    for (const s of family.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length) return s.value;
    }
  }
  throw new Error(`no series ${name}${JSON.stringify(labels)}`);
}
