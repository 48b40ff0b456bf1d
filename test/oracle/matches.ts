// The naive oracle: does a Topic Filter match a Topic Name (MQTT 4.7)? Level by level, no cleverness;
// it drives the differential tests of the core's trie and is the baseline of bench/core/match.bench.ts.

/** The Topic Filter without a `$share/{group}/` prefix. */
export function plainFilter(topicFilter: string): string {
  if (!topicFilter.startsWith("$share/")) return topicFilter;
  return topicFilter.slice(topicFilter.indexOf("/", 7) + 1);
}

export function matches(topicName: string, topicFilter: string): boolean {
  const names = topicName.split("/");
  const filters = plainFilter(topicFilter).split("/");
  if (topicName.startsWith("$") && (filters[0] === "+" || filters[0] === "#")) return false;
  for (let i = 0; i < filters.length; i++) {
    const f = filters[i];
    if (f === "#") return true; // also when names ran out one level early: `a/#` matches `a`
    if (i >= names.length) return false;
    if (f !== "+" && f !== names[i]) return false;
  }
  return names.length === filters.length;
}
