/**
 * `ichnos archive list|verify [--export NAME] [--from T] [--to T] [--json]`: what the reports
 * archive of an `s3` export (default: `backup`) holds per partition, and whether its sequence
 * numbers run without gaps or overlaps. `verify` exits 1 when they do not, naming each problem.
 */
import { checkContinuity, describeProblem, type ArchiveObjectInfo } from "../archive/archive-continuity.ts";
import { listArchiveObjects } from "../archive/archive-listing.ts";
import { archiveLocation } from "../archive/export-location.ts";
import { loadExportConfigs } from "../db/export-configs.ts";
import { entryIdTime } from "../stream/entry-id.ts";
import { parseCommandArgs, seeHelp, UsageError } from "./args.ts";
import type { Services } from "./services.ts";
import { formatTable } from "./table.ts";

export const ARCHIVE_USAGE = "usage: ichnos archive list|verify [--export NAME] [--from ISO-time] [--to ISO-time] [--json]";

function parseTime(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text)) throw new UsageError(`ichnos archive: --${name} "${text}" is not an ISO time (2026-11-23T10:00:00Z)`);
  return ms;
}

interface PartitionSummary {
  readonly partition: number;
  readonly objects: number;
  readonly entries: number;
  readonly first: { id: string; seq: number } | null;
  readonly last: { id: string; seq: number } | null;
  readonly problems: string[];
}

function summarize(partition: number, objects: readonly ArchiveObjectInfo[]): PartitionSummary {
  const first = objects[0];
  const last = objects.at(-1);
  return {
    partition,
    objects: objects.length,
    entries: objects.reduce((n, o) => n + (o.lastSeq - o.firstSeq + 1), 0),
    first: first ? { id: first.firstId, seq: first.firstSeq } : null,
    last: last ? { id: last.lastId, seq: last.lastSeq } : null,
    problems: checkContinuity(objects).map(describeProblem),
  };
}

export async function archiveCommand(services: Services, argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== "list" && action !== "verify") {
    throw new UsageError(action ? `ichnos archive: unknown action "${action}" ${seeHelp("archive")}` : `ichnos archive: name an action: list or verify ${seeHelp("archive")}`);
  }
  const { values } = parseCommandArgs(`archive ${action}`, [...rest], {
    export: { type: "string" }, from: { type: "string" }, to: { type: "string" }, json: { type: "boolean" },
  });
  const name = values.export ?? "backup";
  const range = { fromMs: parseTime("from", values.from), toMs: parseTime("to", values.to) };
  const config = (await loadExportConfigs(services.pool)).find((c) => c.name === name);
  if (config?.schema !== "s3") throw new UsageError(`ichnos archive: there is no s3 export named "${name}" (ichnos exports list)`);
  const location = archiveLocation(config, services.config.backupUrl);
  if (typeof location === "string") throw new UsageError(`ichnos archive: export ${name} has ${location}`);
  const s3 = services.consumerDeps.archive!.s3();
  const summaries = await Promise.all(services.keys.reportStreams().map(async (_, p) => summarize(p, await listArchiveObjects(s3, location, p, range))));

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ export: name, bucket: location.bucket, prefix: location.prefix, partitions: summaries }, null, 2)}\n`);
  } else {
    const at = (e: { id: string; seq: number } | null) => (e ? `#${e.seq} ${entryIdTime(e.id).toISOString()}` : "-");
    process.stdout.write(`${formatTable(["PARTITION", "OBJECTS", "ENTRIES", "FIRST", "LAST", "PROBLEMS"],
      summaries.map((s) => [`reports-${s.partition}`, String(s.objects), String(s.entries), at(s.first), at(s.last), String(s.problems.length)]))}\n`);
  }
  if (action === "list") return 0;
  const problems = summaries.flatMap((s) => s.problems.map((p) => `reports-${s.partition}: ${p}`));
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length > 0) {
    process.stderr.write(`archive verify: ${problems.length} problem(s) in s3://${location.bucket}/${location.prefix}\n`);
    return 1;
  }
  process.stdout.write(`archive verify: every partition's entries run without gaps or overlaps\n`);
  return 0;
}
