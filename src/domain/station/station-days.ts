/**
 * UTC calendar days as `YYYY-MM-DD` strings, the shape of the station tables' DATE columns
 * (SPEC §5.3). "today" is always the UTC date of the batch start (SPEC conventions).
 */
const DAY_MS = 86_400_000;

/** The UTC date of an instant. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/**
 * DATETIME(0) columns keep whole seconds. Truncating here means MySQL's default rounding of
 * fractional seconds never applies, so a stored `now` never moves into the next second or day.
 */
export function wholeSeconds(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 1000) * 1000);
}
