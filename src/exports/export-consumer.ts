/**
 * One consumer group per `export_config` row (DESIGN §3): `export:<name>` on every reports
 * partition, honouring `batch`, `skip_keys` and `skip_sources`. The schema decides what a batch
 * does: `internal` splits reports into observations, `dummy` discards them. `s3` and `geosubmit`
 * exporters are not built yet: their groups exist and advance, skipping the reports with a
 * warning, so that they neither hold back trimming nor block `drain`.
 */
import { exportAllows, exportGroupName, type ExportConfig } from "../domain/export-config.ts";
import type { ReportEntry } from "../domain/report.ts";
import { exportConfigExists } from "../db/export-configs.ts";
import type { Pool } from "../db/pool.ts";
import { splitAndAppend, type SplitterDeps } from "../pipeline/splitter.ts";
import { defineConsumer, type ConsumerDescriptor } from "../stream/define-consumer.ts";

export interface ExportConsumerDeps extends SplitterDeps {
  readonly pool: Pool;
}

const WARN_EVERY_MS = 60_000;

function isReportEntry(data: unknown): data is ReportEntry {
  const d = data as ReportEntry | null;
  return typeof d === "object" && d !== null && typeof d.report === "object" && d.report !== null
    && Array.isArray(d.report.wifiAccessPoints) && Array.isArray(d.report.cellTowers) && Array.isArray(d.report.bluetoothBeacons);
}

export function createExportConsumer(config: ExportConfig, deps: ExportConsumerDeps): ConsumerDescriptor<ReportEntry> {
  let lastWarn = 0;
  let skippedSinceWarn = 0;
  return defineConsumer<ReportEntry>({
    name: exportGroupName(config.name),
    reads: "reports",
    // `ichnos exports add` creates the group itself (at `$`, or `0` with --from-start). A worker
    // creates it only for rows that did not come through the CLI (the seeded `internal` and
    // `backup`, rows written by hand): those start with all retained history, so a fresh
    // installation does not skip reports that arrived before its first worker.
    start: "0",
    batchSize: config.batch > 0 ? config.batch : undefined,
    isRetired: async (db) => !(await exportConfigExists(db, config.name)),
    // Reports for an exporter that is not available are skipped unread.
    payload: config.schema === "internal" || config.schema === "dummy" ? undefined : "ignored",
    async project(batch, ctx) {
      if (config.schema !== "internal" && config.schema !== "dummy") {
        skippedSinceWarn += batch.length;
        if (Date.now() - lastWarn >= WARN_EVERY_MS) {
          ctx.log.warn(
            { schema: config.schema, export: config.name, skipped: skippedSinceWarn },
            `export schema "${config.schema}" is not available in this version; its reports are skipped (remove the export with "ichnos exports rm ${config.name}" to silence this)`,
          );
          lastWarn = Date.now();
          skippedSinceWarn = 0;
        }
        return;
      }
      for (const e of batch) {
        if (!isReportEntry(e.data)) throw new Error(`entry ${e.id} is not a report entry`);
      }
      if (config.schema === "internal") {
        await splitAndAppend(deps, ctx.group, ctx.stream, batch.filter((e) => exportAllows(config, e.data.api_key, e.data.source)), ctx.log);
      }
    },
  });
}
