// A seeded PRNG (mulberry32) and generators of topic names and filters for the differential tests.

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAME_LEVELS = ["a", "b", "c", "", "A", "é", "$x"];

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export function randomName(random: () => number): string {
  const levels = 1 + Math.floor(random() * 4);
  const out: string[] = [];
  for (let i = 0; i < levels; i++) out.push(i === 0 && random() < 0.15 ? "$SYS" : pick(random, NAME_LEVELS));
  return out.join("/") || "/"; // [MQTT-4.7.3-1] never empty
}

export function randomFilter(random: () => number): string {
  if (random() < 0.05) return "#";
  const levels = 1 + Math.floor(random() * 4);
  const out: string[] = [];
  for (let i = 0; i < levels; i++) {
    const r = random();
    out.push(r < 0.25 ? "+" : i === 0 && r < 0.32 ? "$SYS" : pick(random, NAME_LEVELS));
  }
  if (random() < 0.2) out.push("#");
  return out.join("/") || "/"; // [MQTT-4.7.3-1] never empty
}

/** `count` distinct values from a generator. */
export function pool(random: () => number, count: number, make: (random: () => number) => string): string[] {
  const seen = new Set<string>();
  for (let tries = 0; seen.size < count && tries < count * 50; tries++) seen.add(make(random));
  return [...seen];
}
