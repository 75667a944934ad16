/**
 * The public cell exports' schedule (SPEC §4.13, §4.15): names, windows, due times, the catch-up
 * of missed diffs, retention, the readiness grace period and the `/downloads` listing's sizes.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { downloadListing, kilobytes } from "../../src/cells/download-listing.ts";
import { publishDecision, READINESS_GRACE_MS } from "../../src/cells/export-readiness.ts";
import {
  diffExportName, dueExports, expiredExports, fullExportName, parseExportName, plannedDiff, plannedFull,
} from "../../src/cells/export-schedule.ts";

const t = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const names = (iso: string, published: string[] = []) => dueExports(t(iso), published).map((e) => e.name);

test("names follow Ichnaea's patterns: the diff by its slot's hour, the full file by its day", () => {
  assert.is(diffExportName(t("2026-05-01T14:00:00Z")), "MLS-diff-cell-export-2026-05-01T140000.csv.gz");
  assert.is(fullExportName(t("2026-05-01T00:00:00Z")), "MLS-full-cell-export-2026-05-01T000000.csv.gz");
  // SPEC §6.7 test_public's patterns.
  assert.match(diffExportName(t("2026-12-31T23:00:00Z")), /^MLS-diff-cell-export-\d+-\d+-\d+T\d+0000\.csv\.gz$/);
  assert.match(fullExportName(t("2026-12-31T00:00:00Z")), /^MLS-full-cell-export-\d+-\d+-\d+T000000\.csv\.gz$/);
});

test("a name parses back to its kind and time; anything else is not an export", () => {
  assert.equal(parseExportName("MLS-diff-cell-export-2026-05-01T140000.csv.gz"), { kind: "diff", timeMs: t("2026-05-01T14:00:00Z") });
  assert.equal(parseExportName("MLS-full-cell-export-2026-05-01T000000.csv.gz"), { kind: "full", timeMs: t("2026-05-01T00:00:00Z") });
  for (const name of [
    "MLS-full-cell-export-2026-05-01T010000.csv.gz", // a full file is named by midnight
    "MLS-diff-cell-export-2026-02-30T140000.csv.gz", // no such day
    "MLS-diff-cell-export-2026-05-01T240000.csv.gz",
    "MLS-diff-cell-export-2026-05-01T140000.csv",
    "MLS-diff-cell-export-2026-05-01T140000.csv.gz.partial-12",
    ".MLS-diff-cell-export-2026-05-01T140000.csv.gz",
    "../MLS-diff-cell-export-2026-05-01T140000.csv.gz",
    "README", "",
  ]) assert.is(parseExportName(name), null, name);
});

test("a diff holds [S − 1 h, S) and is due at S + 3 min; a full file the 365 days before D, due at 00:37", () => {
  const s = t("2026-05-01T14:00:00Z");
  assert.equal(plannedDiff(s), { kind: "diff", name: diffExportName(s), fromMs: s - HOUR, untilMs: s, dueMs: t("2026-05-01T14:03:00Z") });
  const d = t("2026-05-01T00:00:00Z");
  assert.equal(plannedFull(d), { kind: "full", name: fullExportName(d), fromMs: d - 365 * DAY, untilMs: d, dueMs: t("2026-05-01T00:37:00Z") });
});

test("first run (nothing published): only the latest due diff, and the latest due day's full file", () => {
  assert.equal(names("2026-05-01T14:02:59Z"), ["MLS-full-cell-export-2026-05-01T000000.csv.gz", "MLS-diff-cell-export-2026-05-01T130000.csv.gz"]);
  assert.equal(names("2026-05-01T14:03:00Z"), ["MLS-full-cell-export-2026-05-01T000000.csv.gz", "MLS-diff-cell-export-2026-05-01T140000.csv.gz"]);
  // Before 00:37 the latest due full file is yesterday's.
  assert.equal(names("2026-05-02T00:36:59Z"), ["MLS-full-cell-export-2026-05-01T000000.csv.gz", "MLS-diff-cell-export-2026-05-02T000000.csv.gz"]);
  assert.equal(names("2026-05-02T00:37:00Z"), ["MLS-diff-cell-export-2026-05-02T000000.csv.gz", "MLS-full-cell-export-2026-05-02T000000.csv.gz"]);
});

test("what is published is not due again", () => {
  const now = "2026-05-01T14:05:00Z";
  assert.equal(names(now, names(now)), []);
});

test("missed diffs are caught up from the newest published one, oldest first", () => {
  const published = ["MLS-diff-cell-export-2026-05-01T100000.csv.gz", "MLS-diff-cell-export-2026-05-01T080000.csv.gz", fullExportName(t("2026-05-01T00:00:00Z"))];
  assert.equal(names("2026-05-01T14:05:00Z", published), ["11", "12", "13", "14"].map((h) => `MLS-diff-cell-export-2026-05-01T${h}0000.csv.gz`));
});

test("the catch-up goes back at most 24 hours", () => {
  const published = [diffExportName(t("2026-04-29T10:00:00Z")), fullExportName(t("2026-05-01T00:00:00Z"))];
  const due = dueExports(t("2026-05-01T14:05:00Z"), published);
  assert.is(due.length, 24);
  assert.is(due[0]!.name, diffExportName(t("2026-04-30T15:00:00Z")));
  assert.is(due.at(-1)!.name, diffExportName(t("2026-05-01T14:00:00Z")));
});

test("exports come in the order of their windows' end; the full file after the diff ending at the same midnight", () => {
  const published = [diffExportName(t("2026-05-01T22:00:00Z")), fullExportName(t("2026-05-01T00:00:00Z"))];
  assert.equal(names("2026-05-02T01:04:00Z", published), [
    "MLS-diff-cell-export-2026-05-01T230000.csv.gz", "MLS-diff-cell-export-2026-05-02T000000.csv.gz",
    "MLS-full-cell-export-2026-05-02T000000.csv.gz", "MLS-diff-cell-export-2026-05-02T010000.csv.gz",
  ]);
});

test("retention deletes exports older than it, keeps the newest of each kind, and 0 keeps everything", () => {
  const now = t("2026-05-10T12:05:00Z");
  const published = [
    diffExportName(t("2026-05-03T11:00:00Z")), diffExportName(t("2026-05-03T12:00:00Z")), diffExportName(t("2026-05-03T13:00:00Z")),
    fullExportName(t("2026-05-02T00:00:00Z")), fullExportName(t("2026-05-03T00:00:00Z")), fullExportName(t("2026-05-04T00:00:00Z")),
    "README.txt",
  ];
  // The horizon is 2026-05-03T12:05: the 13:00 diff and the full file of the 4th stay.
  assert.equal(expiredExports(now, published, 7 * DAY), [
    "MLS-diff-cell-export-2026-05-03T110000.csv.gz", "MLS-diff-cell-export-2026-05-03T120000.csv.gz", "MLS-full-cell-export-2026-05-02T000000.csv.gz", "MLS-full-cell-export-2026-05-03T000000.csv.gz",
  ]);
  // Everything old: the newest of each kind stays, so the diffs' catch-up knows where to resume.
  assert.equal(expiredExports(now + 30 * DAY, published, 7 * DAY).length, 4);
  assert.equal(expiredExports(now, published, 0), []);
});

test("an export not ready waits 15 minutes past when it was due, or past when it was first found due", () => {
  const due = t("2026-05-01T14:03:00Z");
  const notReady = { ready: false, lagging: [{ group: "station:cell:gsm", stream: "obs:cell:gsm", checkpoint: null, target: "1-0" }] };
  assert.is(publishDecision({ ready: true, lagging: [] }, due, due, due), "publish");
  assert.is(publishDecision(notReady, due, due, due + READINESS_GRACE_MS - 1), "wait");
  assert.is(publishDecision(notReady, due, due, due + READINESS_GRACE_MS), "overdue");
  // Found due five hours late (every worker was down): the pipeline gets its 15 minutes to catch up.
  const found = due + 5 * HOUR;
  assert.is(publishDecision(notReady, due, found, found + 60_000), "wait");
  assert.is(publishDecision(notReady, due, found, found + READINESS_GRACE_MS), "overdue");
});

test("sizes are round(bytes / 1024) kB, never 0 kB (SPEC §6.5)", () => {
  assert.equal([1024, 1000, 8192, 0, 1, 511, 1535, 1536].map(kilobytes), [1, 1, 8, 1, 1, 1, 1, 2]);
});

test("the listing splits full files from diffs, newest first, linking here or to ASSET_URL", () => {
  const at = new Date(0);
  const objects = [
    { name: diffExportName(t("2026-05-01T13:00:00Z")), size: 1000, modified: at },
    { name: fullExportName(t("2026-04-30T00:00:00Z")), size: 1024, modified: at },
    { name: diffExportName(t("2026-05-01T14:00:00Z")), size: 8192, modified: at },
    { name: fullExportName(t("2026-05-01T00:00:00Z")), size: 3 * 1024 ** 2, modified: at },
    { name: "notes.txt", size: 10, modified: at },
  ];
  const local = downloadListing(objects, undefined);
  assert.equal(local.full.map((l) => [l.name, l.kilobytes]), [[fullExportName(t("2026-05-01T00:00:00Z")), 3072], [fullExportName(t("2026-04-30T00:00:00Z")), 1]]);
  assert.equal(local.diff.map((l) => [l.name, l.kilobytes]), [[diffExportName(t("2026-05-01T14:00:00Z")), 8], [diffExportName(t("2026-05-01T13:00:00Z")), 1]]);
  assert.is(local.diff[0]!.url, `/downloads/${diffExportName(t("2026-05-01T14:00:00Z"))}`);
  const cdn = downloadListing(objects, "https://assets.example.org/mls");
  assert.is(cdn.full[0]!.url, `https://assets.example.org/mls/export/${fullExportName(t("2026-05-01T00:00:00Z"))}`);
});

test.run();
