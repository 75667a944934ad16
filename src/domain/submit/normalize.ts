/**
 * Submit request → normalised reports (SPEC §4.1, DESIGN §7). Pure: the HTTP layer has already
 * decoded and JSON-parsed the body (non-standard `NaN`/`Infinity` tokens as non-finite numbers)
 * and passes the time of receipt. Type errors anywhere reject the whole request with every bad
 * dotted path; out-of-vocabulary and non-finite values are dropped; reports left without any
 * network are dropped silently.
 */
import type { Report } from "../report.ts";
import { type Ctx, createCtx, fail, isMapping, notMapping, type Obj, readList } from "./fields.ts";
import { readReportV0 } from "./normalize-v0.ts";
import { readReportV1, readReportV2 } from "./normalize-geosubmit.ts";

/** v0 = `/v1/submit`, v1 = `/v1/geosubmit`, v2 = `/v2/geosubmit`. */
export type SubmitSchema = "v0" | "v1" | "v2";

/**
 * `itemIndex[i]` is the position in the request's `items` of `reports[i]` (reports left without a
 * network are dropped, so the two differ), for errors found later that must name the item.
 */
export type NormalizeResult =
  | { ok: true; reports: Report[]; itemIndex: number[] }
  | { ok: false; validation: Record<string, string> };

type ReportReader = (o: Obj, ctx: Ctx, nowMs: number) => Report | undefined;

const READERS: Readonly<Record<SubmitSchema, ReportReader>> = { v0: readReportV0, v1: readReportV1, v2: readReportV2 };

export function normalizeSubmission(schema: SubmitSchema, body: unknown, nowMs: number): NormalizeResult {
  if (!isMapping(body)) return { ok: false, validation: { "": notMapping(body) } };
  const ctx = createCtx();
  const items = readList(body, "items", ctx);
  if (ctx.errors !== null) return { ok: false, validation: ctx.errors };
  if (items === undefined) return { ok: false, validation: { items: "Required" } };

  const read = READERS[schema];
  const reports: Report[] = [];
  const itemIndex: number[] = [];
  ctx.at = "items";
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === null || item === undefined) continue;
    ctx.index = i;
    if (isMapping(item)) {
      const report = read(item, ctx, nowMs);
      if (report !== undefined) {
        reports.push(report);
        itemIndex.push(i);
      }
    } else fail(ctx, notMapping(item));
  }
  return ctx.errors === null ? { ok: true, reports, itemIndex } : { ok: false, validation: ctx.errors };
}
