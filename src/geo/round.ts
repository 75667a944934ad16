/**
 * Python's `round()`: halves go to the even neighbour (SPEC conventions), judged on the exact
 * binary value like Python does, so `round(2.675, 2)` and `round(4.35, 1)` round down (the
 * doubles sit just below the half) while `round(0.125, 2)` is a true half and goes to 0.12.
 * `digits` must be an integer from 0 to 100.
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
  // A double is exactly k + ½ units of the last kept digit only when it has at most digits + 1
  // binary fraction bits, an odd number of them in the last place (value = m / 2^(digits+1),
  // m odd); power-of-two scaling is exact, so that can be tested directly.
  const exactHalf = Number.isInteger(value * 2 ** (digits + 1)) && !Number.isInteger(value * 2 ** digits);
  if (exactHalf) return roundHalfEven(value * 10 ** digits) / 10 ** digits;
  // Not a tie: toFixed rounds the exact binary value to the nearest decimal, as Python does.
  return Number(value.toFixed(digits));
}
