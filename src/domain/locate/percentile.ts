/**
 * `numpy.percentile(values, p)` with its default "linear" method, as Ichnaea uses it for the
 * accuracy of Wi-Fi, Bluetooth and cell positions (SPEC §3.6, §3.7, §8.3): virtual index
 * (n − 1)·p/100 between the sorted neighbours, interpolated the way numpy's `_lerp` does it
 * (from the upper neighbour when the fraction is ≥ ½, which keeps the result monotone).
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of no values");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0…100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const index = (sorted.length - 1) * (p / 100);
  const below = Math.floor(index);
  const lower = sorted[below]!;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)]!;
  const t = index - below;
  const diff = upper - lower;
  return t >= 0.5 ? upper - diff * (1 - t) : lower + diff * t;
}
