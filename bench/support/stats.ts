import { meanShare, type CpuShare } from "./cpu.ts";

/** Rates over rounds: the table shows the median, with worst and best beside it. */
export interface RateSummary {
  readonly median: number;
  readonly best: number;
  readonly worst: number;
  readonly rounds: number[];
  /** Mean over the rounds. */
  readonly cpu: CpuShare;
}

export function summarize(runs: readonly { readonly rate: number; readonly cpu: CpuShare }[]): RateSummary {
  const rates = runs.map((r) => r.rate);
  const sorted = [...rates].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, best: sorted.at(-1)!, worst: sorted[0]!, rounds: rates, cpu: meanShare(runs.map((r) => r.cpu)) };
}

/** Entries per second of `count` entries done in `ms` milliseconds. */
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
