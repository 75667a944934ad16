/** mulberry32: a small, fast, seeded generator, good enough to vary synthetic data repeatably. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface RandomTools {
  /** A whole number from `lo` to `hi`, both included. */
  int(lo: number, hi: number): number;
  /** A standard normal deviate (Box–Muller). */
  gauss(): number;
}

/** Integer and normal draws on top of a uniform generator, for the synthetic data generators. */
export function randomTools(random: () => number): RandomTools {
  return {
    int: (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)),
    gauss: () => {
      const u = Math.max(random(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    },
  };
}
