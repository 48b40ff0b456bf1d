// Topic filter relations the ACL needs: does a filter match a topic name, cover another filter (everything the
// second can match, the first matches too), or intersect it (some topic name matches both). Wildcards at the
// first level never match a topic starting with '$' ([MQTT-4.7.2-1]), so `#` does not reach `$SYS/...`.
import { filterCovers } from "../config/access.ts";

/** True when `grant` (a filter) matches everything `filter` (a filter or a topic name) can match. */
export function covers(grant: string, filter: string): boolean {
  return filterCovers(grant, filter);
}

/** True when some topic name is matched by both filters. */
export function intersects(a: string, b: string): boolean {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; ; i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined && q === undefined) return true;
    if (p === "#" || q === "#") {
      if (i > 0) return true;
      const other = p === "#" ? q : p; // a first-level '#' meets only topics that do not start with '$'
      return other === undefined || other === "#" || other === "+" || !other.startsWith("$");
    }
    if (p === undefined || q === undefined) return false;
    if (p === "+" && q === "+") continue;
    if (p === "+" || q === "+") {
      const literal = p === "+" ? q : p;
      if (i === 0 && literal.startsWith("$")) return false; // [MQTT-4.7.2-1]
      continue;
    }
    if (p !== q) return false;
  }
}
