/**
 * One consumer group per `export_config` row (DESIGN §3): `export:<name>` on every reports
 * partition, honouring `batch`, `skip_keys` and `skip_sources`. The schema decides what a batch
 * does: `internal` splits reports into observations, `s3` archives them (one object per batch,
 * or when the oldest waiting report is BACKUP_MAX_AGE old), `geosubmit` posts them to a partner,
 * `dummy` discards them. An `s3` or `geosubmit` export without a usable URL advances and skips its
 * reports, saying so once, so that it neither holds back trimming nor blocks `drain`.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { ArchivedEntry } from "../archive/archive-object.ts";
import { writeArchiveObject } from "../archive/archive-writer.ts";
import { archiveLocation } from "../archive/export-location.ts";
import type { S3Location } from "../archive/s3-location.ts";
import { RetryLaterError } from "../stream/retry-later.ts";
import { postToPartner } from "./partner-post.ts";
import { exportAllows, exportGroupName, type ExportConfig } from "../domain/export-config.ts";
import { isReportEntry, type ReportEntry } from "../domain/report.ts";
import { exportConfigExists } from "../db/export-configs.ts";
import type { Pool } from "../db/pool.ts";
import { splitAndAppend, type SplitterDeps } from "../pipeline/splitter.ts";
import { defineBuiltInConsumer, type ConsumerDescriptor, type RuntimeOptions } from "../stream/define-consumer.ts";
import type { StreamEntry } from "../stream/entry.ts";

/** What `s3` exports need. */
export interface ArchiveDeps {
  /** Made on first use: the SDK costs start-up time and warns on Node 20, so only archiving processes pay. */
  readonly s3: () => S3Client;
  /** BACKUP_URL: the location of the seeded `backup` export when its row has no URL. */
  readonly backupUrl: string | undefined;
  /** BACKUP_MAX_AGE */
  readonly maxAgeMs: number;
}

export interface ExportConsumerDeps extends SplitterDeps {
  readonly pool: Pool;
  readonly archive?: ArchiveDeps;
  /** PARTNER_TIMEOUT for `geosubmit` exports; 60 s when absent. */
  readonly partnerTimeoutMs?: number;
}

const DEFAULT_PARTNER_TIMEOUT_MS = 60_000;

/** A `geosubmit` export's http(s) URL, or why it has none. */
function partnerUrl(config: ExportConfig): string | { off: string } {
  if (!config.url) return { off: `no URL: give the export one (ichnos exports rm ${config.name}, then exports add ${config.name} --schema geosubmit --url https://partner.example/v2/geosubmit)` };
  try {
    const url = new URL(config.url);
    if (url.protocol === "http:" || url.protocol === "https:") return config.url;
  } catch {
    // reported below
  }
  return { off: `its URL "${config.url}" is not an http(s) URL` };
}

// Once per process and export: a disabled export is a setting, not an incident.
const saidOff = new Set<string>();

/**
 * A batch's entries as archive lines: the stored text when the runtime gave it, decoded only when
 * skip_keys or skip_sources must be looked up (or when replayed history came decoded).
 */
function archivable(config: ExportConfig, batch: readonly StreamEntry<ReportEntry>[]): ArchivedEntry[] {
  const filtering = (config.skipKeys?.size ?? 0) + (config.skipSources?.size ?? 0) > 0;
  const out: ArchivedEntry[] = [];
  for (const e of batch) {
    if (e.text === undefined || filtering) {
      const data: unknown = e.text === undefined ? e.data : JSON.parse(e.text);
      if (!isReportEntry(data)) throw new Error(`entry ${e.id} is not a report entry`);
      if (!exportAllows(config, data.api_key, data.source)) continue;
    }
    out.push({ id: e.id, seq: e.seq, version: e.version, data: e.text === undefined ? e.data : null, text: e.text });
  }
  return out;
}

export function createExportConsumer(config: ExportConfig, deps: ExportConsumerDeps): ConsumerDescriptor<ReportEntry> {
  const location = config.schema === "s3" ? archiveLocation(config, deps.archive?.backupUrl, !!deps.archive) : null;
  const archiving = location !== null && typeof location !== "string";
  const partner = config.schema === "geosubmit" ? partnerUrl(config) : null;
  const posting = typeof partner === "string";
  const skipping = (config.schema === "geosubmit" && !posting) || (config.schema === "s3" && !archiving);
  const partitions = deps.keys.reportStreams();
  const runtime: RuntimeOptions = {
    isRetired: async (db) => !(await exportConfigExists(db, config.name)),
    // Reports for an exporter that is off are skipped unread; the archive stores the payload's
    // text as it is (decoding and encoding it again was most of the backup's work).
    payload: skipping ? "ignored" : archiving ? "text" : undefined,
  };
  return defineBuiltInConsumer<ReportEntry>({
    name: exportGroupName(config.name),
    reads: "reports",
    // `ichnos exports add` creates the group itself (at `$`, or `0` with --from-start). A worker
    // creates it only for rows that did not come through the CLI (the seeded `internal` and
    // `backup`, rows written by hand): those start with all retained history, so a fresh
    // installation does not skip reports that arrived before its first worker.
    start: "0",
    batchSize: config.batch > 0 ? config.batch : undefined,
    gather: archiving ? { maxAgeMs: deps.archive!.maxAgeMs } : undefined,
    async project(batch, ctx) {
      if (skipping) {
        if (!saidOff.has(config.name)) {
          saidOff.add(config.name);
          const why = typeof location === "string" ? location : partner && typeof partner !== "string" ? partner.off : `schema "${config.schema}" is not available`;
          ctx.log.warn(
            { schema: config.schema, export: config.name },
            `export ${config.name} is off (${why}); its group skips the reports (remove the export with "ichnos exports rm ${config.name}" if it is not wanted)`,
          );
        }
        return;
      }
      if (archiving) {
        const allowed = archivable(config, batch);
        if (allowed.length === 0) return;
        const partition = partitions.indexOf(ctx.streamKey);
        try {
          const attempts = { redis: deps.redis, key: deps.keys.archiveAttempts(ctx.streamKey, ctx.group) };
          const key = await writeArchiveObject(deps.archive!.s3(), location as S3Location, partition, allowed, attempts);
          ctx.log.debug({ key, entries: allowed.length }, "reports archived");
        } catch (err) {
          // S3 being unreachable or refusing must never skip reports: the group waits and lags.
          throw new RetryLaterError(`could not archive ${allowed.length} reports to s3://${(location as S3Location).bucket}: ${(err as Error).message}`, { cause: err });
        }
        return;
      }
      // The runtime checked each payload against the reports stream's type (streams.ts).
      const allowed = batch.filter((e) => exportAllows(config, e.data.api_key, e.data.source));
      if (config.schema === "internal") {
        await splitAndAppend(deps.keys, ctx, allowed);
      } else if (posting && allowed.length > 0) {
        await postToPartner(partner, allowed.map((e) => e.data.report), deps.partnerTimeoutMs ?? DEFAULT_PARTNER_TIMEOUT_MS);
      }
    },
  }, runtime);
}
