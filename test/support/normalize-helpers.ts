import * as assert from "uvu/assert";
import type { Report } from "../../src/domain/report.ts";
import { normalizeSubmission, type SubmitSchema } from "../../src/domain/submit/normalize.ts";

export const NOW = 1_700_000_000_123;

/** Shorthands for one schema's normaliser: accepted reports, the single report, or the errors. */
export function normalizerFor(schema: SubmitSchema) {
  const reportsOf = (body: unknown, nowMs = NOW): Report[] => {
    const result = normalizeSubmission(schema, body, nowMs);
    if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.validation)}`);
    return result.reports;
  };
  const onlyReport = (item: unknown, nowMs = NOW): Report => {
    const reports = reportsOf({ items: [item] }, nowMs);
    assert.is(reports.length, 1);
    return reports[0]!;
  };
  const errorsOf = (body: unknown): Record<string, string> => {
    const result = normalizeSubmission(schema, body, NOW);
    if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.reports)}`);
    return result.validation;
  };
  return { reportsOf, onlyReport, errorsOf };
}
