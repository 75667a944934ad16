/**
 * Delivery delays in whole milliseconds (the entry id's time is a whole ms), one bucket per ms up
 * to a minute and one for everything later, so that millions of samples cost one array write
 * each and the clients' processes can send their counts to the bench as a short list of
 * `[ms, count]` pairs, which the bench adds up over processes and rounds.
 */
const LAST_MS = 60_000;

export type SparseHistogram = readonly (readonly [ms: number, count: number])[];

export interface DelayHistogram {
  record(ms: number): void;
  reset(): void;
  sparse(): SparseHistogram;
}

export function createDelayHistogram(): DelayHistogram {
  const counts = new Uint32Array(LAST_MS + 2);
  return {
    // A negative delay is clock granularity between Redis and this process: counted as 0.
    record: (ms) => {
      counts[ms < 0 ? 0 : ms > LAST_MS ? LAST_MS + 1 : ms]! += 1;
    },
    reset: () => counts.fill(0),
    sparse: () => {
      const out: [number, number][] = [];
      counts.forEach((c, ms) => {
        if (c > 0) out.push([ms, c]);
      });
      return out;
    },
  };
}

export interface DelaySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Samples later than a minute (their bucket is reported as > 60,000 ms). */
  readonly overMinute: number;
}

export function mergeHistograms(parts: readonly SparseHistogram[]): SparseHistogram {
  const sum = new Map<number, number>();
  for (const part of parts) for (const [ms, c] of part) sum.set(ms, (sum.get(ms) ?? 0) + c);
  return [...sum.entries()].sort((a, b) => a[0] - b[0]);
}

export function summarize(h: SparseHistogram): DelaySummary | null {
  const samples = h.reduce((a, [, c]) => a + c, 0);
  if (samples === 0) return null;
  const at = (q: number) => {
    const rank = Math.ceil(q * samples);
    let seen = 0;
    for (const [ms, c] of h) {
      seen += c;
      if (seen >= rank) return ms;
    }
    return h.at(-1)![0];
  };
  return {
    samples, p50: at(0.5), p99: at(0.99), max: h.at(-1)![0],
    overMinute: h.filter(([ms]) => ms > LAST_MS).reduce((a, [, c]) => a + c, 0),
  };
}
