/**
 * Station and area scores (SPEC §3.8): how much a locate answer trusts a station, from its age,
 * how long it has been collected and how many samples it has.
 */
const DAY_MS = 86_400_000;

const utcDayNumber = (d: Date): number => Math.floor(d.getTime() / DAY_MS);
const dayNumber = (day: string): number => Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);

export interface ScoredStation {
  readonly created: Date | null;
  readonly modified: Date | null;
  readonly radius: number | null;
  readonly samples: number | null;
  readonly lastSeen: string | null;
  readonly blockLast: string | null;
}

export interface ScoredArea {
  readonly created: Date | null;
  readonly modified: Date | null;
  readonly radius: number | null;
  readonly numCells: number | null;
  readonly lastSeen: string | null;
}

function ageWeight(modified: Date, now: Date): number {
  // Python's timedelta.days floors; months is whole 30-day periods.
  const days = Math.max(Math.floor((now.getTime() - modified.getTime()) / DAY_MS), 0);
  return 1 / Math.sqrt(Math.floor(days / 30) + 1);
}

function collectionWeight(first: number, last: number): number {
  return Math.min(Math.max(last - first, 1) / 10, 1.0);
}

function effectiveCount(n: number | null, radius: number | null): number {
  const count = n ?? 0;
  return count > 1 && !radius ? 1 : count;
}

export function stationScore(st: ScoredStation, now: Date): number {
  if (!st.created || !st.modified) return 0;
  let last = utcDayNumber(st.modified);
  if (st.lastSeen) last = Math.max(last, dayNumber(st.lastSeen));
  let first = utcDayNumber(st.created);
  if (st.blockLast) first = Math.max(first, dayNumber(st.blockLast));
  const n = effectiveCount(st.samples, st.radius);
  const sampleWeight = Math.min(Math.max(Math.log2(Math.max(n, 1)), 0.5), 10);
  return ageWeight(st.modified, now) * collectionWeight(first, last) * sampleWeight;
}

export function areaScore(area: ScoredArea, now: Date): number {
  if (!area.created || !area.modified) return 0;
  let last = utcDayNumber(area.modified);
  if (area.lastSeen) last = Math.max(last, dayNumber(area.lastSeen));
  const first = utcDayNumber(area.created);
  const n = effectiveCount(area.numCells, area.radius);
  const sampleWeight = Math.min(Math.sqrt(Math.max(n, 1)), 10);
  return ageWeight(area.modified, now) * collectionWeight(first, last) * sampleWeight;
}
