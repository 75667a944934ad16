/**
 * Whether a partition's archive objects hold an unbroken run of entries: sequence numbers are
 * dense, so each object must start one past where the one before it ended. Pure, for
 * `ichnos archive verify`.
 */
export interface ArchiveObjectInfo {
  readonly key: string;
  readonly firstId: string;
  readonly lastId: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
}

export type ContinuityProblem =
  | { readonly kind: "gap"; readonly fromSeq: number; readonly toSeq: number; readonly after: string; readonly before: string }
  | { readonly kind: "overlap"; readonly fromSeq: number; readonly toSeq: number; readonly after: string; readonly before: string }
  | { readonly kind: "bad-object"; readonly key: string; readonly reason: string };

/** Problems between consecutive objects (in key order, which is entry order). */
export function checkContinuity(objects: readonly ArchiveObjectInfo[]): ContinuityProblem[] {
  const problems: ContinuityProblem[] = [];
  let prev: ArchiveObjectInfo | null = null;
  for (const o of objects) {
    if (!(o.firstSeq >= 1 && o.lastSeq >= o.firstSeq)) {
      problems.push({ kind: "bad-object", key: o.key, reason: `sequence numbers #${o.firstSeq}–#${o.lastSeq} are not a range` });
      continue;
    }
    if (prev) {
      if (o.firstSeq > prev.lastSeq + 1) {
        problems.push({ kind: "gap", fromSeq: prev.lastSeq + 1, toSeq: o.firstSeq - 1, after: prev.key, before: o.key });
      } else if (o.firstSeq <= prev.lastSeq) {
        problems.push({ kind: "overlap", fromSeq: o.firstSeq, toSeq: Math.min(prev.lastSeq, o.lastSeq), after: prev.key, before: o.key });
      }
    }
    prev = o;
  }
  return problems;
}

export function describeProblem(p: ContinuityProblem): string {
  if (p.kind === "bad-object") return `bad object ${p.key}: ${p.reason}`;
  const what = p.kind === "gap" ? "missing" : "held twice";
  return `${p.kind}: entries #${p.fromSeq}–#${p.toSeq} ${what}, between ${p.after} and ${p.before}`;
}
