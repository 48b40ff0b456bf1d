// Runs an async task over many items with a bounded number in flight (connecting 1,000 clients
// 100 at a time keeps the broker's accept backlog from overflowing).
export async function inBatches<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
