/**
 * Options of `npm run bench:archive` (flags over environment variables over defaults, see
 * harness/options.ts): `npm run bench:archive -- --reports 80000 --submit-rate 30567`.
 */
import { type BenchOptions, type OptionTable, readOptions } from "../harness/options.ts";

const ARCHIVE_OPTIONS = {
  /** Reports appended over the partitions, then archived and replayed. */
  reports: { kind: "int", default: 40_000 },
  partitions: { kind: "int", default: 4 },
  /** Reports per archive object (the `s3` export's batch). */
  batch: { kind: "int", default: 500 },
  submitRate: { kind: "int", metavar: "R", note: "reports/s that bench:submit accepted on this box, to compare the backup with" },
} as const satisfies OptionTable;

export type ArchiveBenchOptions = BenchOptions<typeof ARCHIVE_OPTIONS>;

export const readArchiveOptions = (): ArchiveBenchOptions => readOptions("archive", ARCHIVE_OPTIONS);
