/**
 * Data accuracy classes (SPEC §3.3, upstream `DataAccuracy`): the "is this good enough" bar of a
 * query and the class of a result. A class's value is the largest accuracy, in metres, it covers;
 * classes order by that value, so a smaller class is a better one.
 */
export const DATA_ACCURACIES = ["high", "medium", "low", "none"] as const;
export type DataAccuracy = (typeof DATA_ACCURACIES)[number];

export const ACCURACY_METRES: Readonly<Record<DataAccuracy, number>> = {
  high: 500,
  medium: 50_000,
  low: 40_000_000,
  none: Number.POSITIVE_INFINITY,
};

/** The metres a class stands for, so that `accuracyMetres("medium") === 50_000` (test_constants). */
export function accuracyMetres(accuracy: DataAccuracy): number {
  return ACCURACY_METRES[accuracy];
}

/**
 * The first class whose value the accuracy does not exceed: exactly 500 is `high`, exactly
 * 50,000 `medium` (SPEC §3.3, §9.19). A result without an accuracy is `none` (test_result), and
 * so is NaN, which no `<=` admits.
 */
export function accuracyClass(metres: number | null | undefined): DataAccuracy {
  if (metres === null || metres === undefined) return "none";
  for (const accuracy of DATA_ACCURACIES) {
    if (metres <= ACCURACY_METRES[accuracy]) return accuracy;
  }
  return "none";
}

/** Negative when `a` is the better (smaller) class, as a sort comparator. */
export function compareAccuracy(a: DataAccuracy, b: DataAccuracy): number {
  return DATA_ACCURACIES.indexOf(a) - DATA_ACCURACIES.indexOf(b);
}

/** The best (smallest) of the classes; `none` for no classes, as upstream starts from `none`. */
export function bestAccuracy(accuracies: Iterable<DataAccuracy>): DataAccuracy {
  let best: DataAccuracy = "none";
  for (const accuracy of accuracies) if (compareAccuracy(accuracy, best) < 0) best = accuracy;
  return best;
}

/** Upstream's metric `status:hit`: the result's class is equal to or better than the expected one. */
export function meetsAccuracy(result: DataAccuracy, expected: DataAccuracy): boolean {
  return compareAccuracy(result, expected) <= 0;
}
