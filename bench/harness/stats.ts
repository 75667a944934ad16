/** The arithmetic every bench does on its rounds and its work lists. */

/** Rounds of one measurement: the tables show the median, with the worst and best beside it. */
export interface Spread {
  readonly median: number;
  readonly worst: number;
  readonly best: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, worst: sorted[0]!, best: sorted.at(-1)! };
}

/** Things per second of `count` things done in `ms` milliseconds. */
export const rate = (count: number, ms: number) => (count * 1000) / ms;

/** Runs `fn` with `concurrency` workers that take chunk indexes 0…chunks-1 in order. */
export async function inFlight(chunks: number, concurrency: number, fn: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < chunks) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks) }, worker));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
