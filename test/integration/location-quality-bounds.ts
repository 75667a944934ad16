/**
 * The bounds location-quality.test.ts holds `npm run bench:quality -- --scale small --cities
 * dense,sparse --seeds 1` to: per city, per query type and per number of networks heard (the
 * bench's rows: type "wifi", "blue", "blue in venue", "cell", "all"; bucket "all", "1", "2–3",
 * "4–6", "7+", with en dashes), and the movers line. Changing the locate code's quality is
 * editing the numbers below; nothing else needs to change.
 *
 * The numbers are what the code measured (three runs, 2026-12-04) with a margin: minAnswered =
 * measured − 3 points (rounded down; − 5 for Bluetooth rows, − 10 for rows under 30 queries), maxMedian = measured × 1.15 (rounded up; × 1.3 for the
 * Bluetooth rows, which move from run to run), inside = measured
 * ± 5 points (rounded outwards, within 0–100), maxPulled = measured + 1. The comment after each
 * row gives what was measured. The small cities are not where the accuracy model was judged
 * (QUALITY.md: full scale); they hold the code to what it does, including the small sparse city's
 * cells at 66% inside (4 towers, every cell heard everywhere).
 *
 * "Measured" is the worst of several runs, not one: the runs are not identical. Wi-Fi and cell
 * rows repeat to the metre; the Bluetooth rows (and slightly the "all" rows, which include
 * Bluetooth) move a little from run to run, because whether observations of a beacon share a
 * batch depends on timing. So a Bluetooth row's comment shows a range, and its bounds hold it.
 *
 * What is checked:
 *   - only the rows listed; rows not here (buckets with fewer than 10 queries, and the "1"
 *     buckets, never answered: Ichnaea needs two networks of a kind) are not checked;
 *   - the median only on rows of 30 queries or more (fewer: one query moves it by metres, and a
 *     bucket of 21 Bluetooth queries moved from 12.0 to 14.1 m between runs);
 *   - calibration (`inside`) only where it is not null, and never on a bucket with fewer than 30
 *     answered queries (the test skips those whatever the table says: too noisy). It is null for
 *     the Bluetooth buckets other than "all", whose share inside can move from run to run.
 */

export interface RowBounds {
  /** Guards coverage: at least this percentage of the row's queries is answered. */
  readonly minAnswered: number;
  /** Guards precision: the median error of the answered queries is at most this many metres. Null: not checked. */
  readonly maxMedian: number | null;
  /**
   * Guards calibration: the percentage of answers whose true position lies inside the reported
   * accuracy stays within [low, high] (too low: the accuracy promises too much; too high: it is
   * needlessly wide). Null: not checked.
   */
  readonly inside: readonly [low: number, high: number] | null;
}

export interface CityBounds {
  /** Type → bucket → bounds. */
  readonly rows: Readonly<Record<string, Readonly<Record<string, RowBounds>>>>;
  /**
   * Guards moved access points: of the Wi-Fi queries hearing an access point that has moved (at
   * its new place, 500 m or more from its old one), at most this many are placed within 500 m of
   * where it used to stand.
   */
  readonly movers: { readonly maxPulled: number };
}

export const LOCATION_QUALITY_BOUNDS: Readonly<Record<"dense" | "sparse", CityBounds>> = {
  dense: {
    rows: {
      wifi: {
        all: { minAnswered: 96, maxMedian: 28, inside: [85, 96] }, // 600 queries: answered 99.3 %, median 24.1 m, inside 90.4 %
        "4–6": { minAnswered: 82, maxMedian: null, inside: null }, // 26 queries (median not checked: too few): answered 92.3 %, median 44.6 m, inside not checked: 24 answered
        "7+": { minAnswered: 97, maxMedian: 28, inside: [85, 96] }, // 571 queries: answered 100.0 %, median 23.9 m, inside 90.2 %
      },
      blue: {
        all: { minAnswered: 73, maxMedian: 23, inside: [76, 88] }, // 204 queries: answered 78.4–79.9 %, median 17.0–17.2 m, inside 81.4–82.5 %
        "2–3": { minAnswered: 85, maxMedian: 37, inside: null }, // 77 queries: answered 90.9–94.8 %, median 27.8–28.1 m, inside 65–66 % (Bluetooth buckets: not checked)
        "4–6": { minAnswered: 95, maxMedian: 19, inside: null }, // 69 queries: answered 100.0 %, median 13.9 m, inside 94 % (Bluetooth buckets: not checked)
        "7+": { minAnswered: 90, maxMedian: null, inside: null }, // 21 queries (median not checked: too few): answered 100.0 %, median 12.0 m, inside not checked: 21 answered
      },
      "blue in venue": {
        all: { minAnswered: 89, maxMedian: 19, inside: [92, 100] }, // 126 queries: answered 94.4–95.2 %, median 14.2–14.3 m, inside 97.5 %
        "2–3": { minAnswered: 92, maxMedian: 22, inside: null }, // 41 queries: answered 97.6–100.0 %, median 16.2 m, inside 95 % (Bluetooth buckets: not checked)
        "4–6": { minAnswered: 95, maxMedian: 18, inside: null }, // 63 queries: answered 100.0 %, median 13.6 m, inside 98 % (Bluetooth buckets: not checked)
        "7+": { minAnswered: 90, maxMedian: null, inside: null }, // 16 queries (median not checked: too few): answered 100.0 %, median 11.5 m, inside not checked: 16 answered
      },
      cell: {
        all: { minAnswered: 97, maxMedian: 299, inside: [86, 97] }, // 600 queries: answered 100.0 %, median 259.9 m, inside 91.3 %
        "4–6": { minAnswered: 97, maxMedian: 299, inside: [86, 97] }, // 600 queries: answered 100.0 %, median 259.9 m, inside 91.3 %
      },
      all: {
        all: { minAnswered: 97, maxMedian: 29, inside: [82, 93] }, // 600 queries: answered 100.0 %, median 24.9–25.1 m, inside 87.5 %
        "7+": { minAnswered: 97, maxMedian: 29, inside: [82, 93] }, // 599 queries: answered 100.0 %, median 24.9–25.1 m, inside 87.5 %
      },
    },
    movers: { maxPulled: 1 }, // 0 of 73 pulled
  },
  sparse: {
    rows: {
      wifi: {
        all: { minAnswered: 80, maxMedian: 39, inside: [92, 100] }, // 544 queries: answered 83.6 %, median 33.9 m, inside 97.1 %
        "2–3": { minAnswered: 93, maxMedian: 45, inside: [91, 100] }, // 160 queries: answered 96.3 %, median 38.3 m, inside 96.8 %
        "4–6": { minAnswered: 96, maxMedian: 43, inside: [92, 100] }, // 180 queries: answered 99.4 %, median 37.0 m, inside 97.2 %
        "7+": { minAnswered: 97, maxMedian: 29, inside: [92, 100] }, // 122 queries: answered 100.0 %, median 25.0 m, inside 97.5 %
      },
      blue: {
        all: { minAnswered: 82, maxMedian: 19, inside: [85, 97] }, // 164 queries: answered 87.2–87.8 %, median 13.2–13.9 m, inside 91.0–91.6 %
        "2–3": { minAnswered: 89, maxMedian: 25, inside: null }, // 54 queries: answered 94.4–96.3 %, median 19.0 m, inside 77–78 % (Bluetooth buckets: not checked)
        "4–6": { minAnswered: 95, maxMedian: 16, inside: null }, // 84 queries: answered 100.0 %, median 11.8 m, inside 99 % (Bluetooth buckets: not checked)
      },
      "blue in venue": {
        all: { minAnswered: 93, maxMedian: 17, inside: [94, 100] }, // 127 queries: answered 98.4 %, median 12.5–12.7 m, inside 99.2 %
        "2–3": { minAnswered: 89, maxMedian: 20, inside: null }, // 39 queries: answered 94.9 %, median 15.2 m, inside 100 % (Bluetooth buckets: not checked)
        "4–6": { minAnswered: 95, maxMedian: 16, inside: null }, // 80 queries: answered 100.0 %, median 11.8 m, inside 99 % (Bluetooth buckets: not checked)
      },
      cell: {
        all: { minAnswered: 97, maxMedian: 453, inside: [60, 71] }, // 600 queries: answered 100.0 %, median 393.5 m, inside 65.7 %
        "4–6": { minAnswered: 97, maxMedian: 453, inside: [60, 71] }, // 600 queries: answered 100.0 %, median 393.5 m, inside 65.7 %
      },
      all: {
        all: { minAnswered: 97, maxMedian: 47, inside: [75, 86] }, // 600 queries: answered 100.0 %, median 40.2–40.4 m, inside 80.7–80.8 %
        "4–6": { minAnswered: 97, maxMedian: 669, inside: [35, 46] }, // 116 queries: answered 100.0 %, median 581.2 m, inside 40.5 %
        "7+": { minAnswered: 97, maxMedian: 33, inside: [85, 96] }, // 484 queries: answered 100.0 %, median 28.0–28.1 m, inside 90.3–90.5 %
      },
    },
    movers: { maxPulled: 1 }, // 0 of 29 pulled
  },
};
