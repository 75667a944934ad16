/**
 * Report timestamps (SPEC §4.1, §9 item 20): milliseconds strictly between 10^12 (2001-09-09)
 * and 10^13 (2286-11-20) are kept; anything else becomes the time of receipt.
 */
const MIN_TIMESTAMP_MS = 1e12;
const MAX_TIMESTAMP_MS = 1e13;

/** v1/v2 `timestamp`, already read as an integer (or undefined when absent or dropped). */
export function timestampOrNow(ms: number | undefined, nowMs: number): number {
  return ms !== undefined && ms > MIN_TIMESTAMP_MS && ms < MAX_TIMESTAMP_MS ? ms : nowMs;
}

/** v0 `time`: an ISO-8601 string as Python's `iso8601.parse_date` reads it. */
export function isoTimestampOrNow(text: string | undefined, nowMs: number): number {
  return timestampOrNow(text === undefined ? undefined : isoToMs(text), nowMs);
}

/**
 * The `iso8601` package's pattern (YYYY, YYYY-MM, YYYYMMDD, with 1- or 2-digit dashed fields,
 * optional time, fraction and zone), anchored as Python's `re.match(...$)`.
 */
const ISO8601 =
  /^([0-9]{4})(?:(?:-([0-9]{1,2})|([0-9]{2})(?!$))(?:(?:-([0-9]{1,2})|([0-9]{2}))(?:[ T]([0-9]{2})(?::?([0-9]{2}))?(?::?([0-9]{1,2})(?:[.,][0-9]+)?)?(?:Z|([-+])([0-9]{2}):?([0-9]{2})?)?)?)?)?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function num(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : Number(text);
}

/**
 * Whole seconds × 1000, or undefined where Python raises. Ichnaea computes
 * `timegm(dt.timetuple())`, which reads the wall-clock fields and ignores both the UTC offset
 * and the fraction of a second; the offset must still be one `datetime` accepts (under 24 h).
 */
export function isoToMs(text: string): number | undefined {
  // Python's `$` also matches before one final newline.
  const m = ISO8601.exec(text.endsWith("\n") ? text.slice(0, -1) : text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = num(m[2] ?? m[3], 1);
  const day = num(m[4] ?? m[5], 1);
  const hour = num(m[6], 0);
  const minute = num(m[7], 0);
  const second = num(m[8], 0);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[9] !== undefined && num(m[10], 0) * 60 + num(m[11], 0) >= 24 * 60) return undefined;
  // Date.UTC maps years 0-99 to 1900-1999; those are below the accepted range either way.
  return Date.UTC(year, month - 1, day, hour, minute, second);
}
