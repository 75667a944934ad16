/**
 * Python's `round()`: halves go to the even neighbour (SPEC conventions). Values that are not
 * exactly representable are rounded as their binary value, like Python does, by comparing with
 * the exact half rather than adding 0.5.
 */
export function roundHalfEven(value: number, digits = 0): number {
  if (!Number.isFinite(value)) return value;
  if (digits === 0) {
    const floor = Math.floor(value);
    const diff = value - floor;
    if (diff > 0.5) return floor + 1;
    if (diff < 0.5) return floor;
    return floor % 2 === 0 ? floor : floor + 1;
  }
  // Python rounds the exact decimal expansion of the double; toPrecision gives enough digits
  // to see whether the scaled value sits exactly on a half.
  const factor = 10 ** digits;
  const scaled = value * factor;
  const exactHalf = Math.abs(scaled - Math.trunc(scaled)) === 0.5
    && Number(`${value}e${digits}`) === scaled;
  if (exactHalf) return roundHalfEven(scaled) / factor;
  return Math.round(scaled) / factor;
}
