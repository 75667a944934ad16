/**
 * Python's `int(str)` and `float(str)`, which Ichnaea's schema layer applies to strings sent in
 * numeric fields (SPEC §1.5: `"01"` is a valid integer). JavaScript's `Number()` is more lenient
 * (`"0x10"`, `""`, `"1e3"` as an integer) and so cannot be used on the raw text. Both return
 * `null` when Python would raise ValueError. Strings in numeric fields are rare, so this is off
 * the hot path.
 */

const ZERO = 48;
const NINE = 57;
const UNDERSCORE = 95;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/**
 * End of a run of digits starting at `i`, where single underscores may separate digits (PEP 515);
 * `i` itself when there is no digit there, -1 when an underscore is misplaced.
 */
function digitRunEnd(text: string, i: number): number {
  const n = text.length;
  if (i >= n || !isDigit(text.charCodeAt(i))) return i;
  let j = i + 1;
  while (j < n) {
    const code = text.charCodeAt(j);
    if (isDigit(code)) j++;
    else if (code === UNDERSCORE) {
      if (j + 1 < n && isDigit(text.charCodeAt(j + 1))) j += 2;
      else return -1;
    } else break;
  }
  return j;
}

/** `i + 1` when an optional sign sits at `i`, else `i`. */
function signEnd(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code === PLUS || code === MINUS ? i + 1 : i;
}

function toNumber(text: string): number {
  const n = Number(text.includes("_") ? text.replaceAll("_", "") : text);
  return n === 0 ? 0 : n;
}

/** Python `int(text)` in base 10: surrounding whitespace, a sign, digits (`"1.5"` is invalid). */
export function parsePyInt(text: string): number | null {
  const t = text.trim();
  const start = signEnd(t, 0);
  const end = digitRunEnd(t, start);
  if (end <= start || end !== t.length) return null;
  return toNumber(t);
}

const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ["nan", Number.NaN],
  ["inf", Number.POSITIVE_INFINITY],
  ["infinity", Number.POSITIVE_INFINITY],
]);

/** Python `float(text)`; `"nan"`/`"inf"` give non-finite numbers, which callers drop. */
export function parsePyFloat(text: string): number | null {
  const t = text.trim();
  const start = signEnd(t, 0);
  const special = SPECIAL_FLOATS.get(t.slice(start).toLowerCase());
  if (special !== undefined) return t.charCodeAt(0) === MINUS ? -special : special;

  const intEnd = digitRunEnd(t, start);
  if (intEnd < 0) return null;
  let j = intEnd;
  let digits = intEnd > start;
  if (t.charCodeAt(j) === DOT) {
    const fracEnd = digitRunEnd(t, j + 1);
    if (fracEnd < 0) return null;
    digits ||= fracEnd > j + 1;
    j = fracEnd;
  }
  if (!digits) return null;
  if (j < t.length && (t[j] === "e" || t[j] === "E")) {
    const expStart = signEnd(t, j + 1);
    const expEnd = digitRunEnd(t, expStart);
    if (expEnd <= expStart) return null;
    j = expEnd;
  }
  return j === t.length ? toNumber(t) : null;
}
