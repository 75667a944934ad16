/**
 * `ichnos exports add|list|rm`: manage `export_config` rows (SPEC §4.5). Each row is the
 * consumer group `export:<name>` on the reports streams: adding a row creates the group at the
 * end of the streams (`$`), or at the start of retained history with `--from-start`; removing it
 * deletes the group, its checkpoints and dead letters. Running workers pick the change up within
 * EXPORTS_RELOAD.
 */
import { consumerStamp } from "../stream/consumer-version.ts";
import { createExportConsumer } from "../exports/export-consumer.ts";
import { EXPORT_SCHEMAS, exportGroupName, formatSkipSet, parseSkipSet, toExportConfig } from "../domain/export-config.ts";
import { POSITION_SOURCES } from "../domain/report.ts";
import { createPrismaClient, explainPrismaError, isPrismaError } from "../db/prisma-client.ts";
import { ensureGroup } from "../stream/ensure-group.ts";
import { removeGroup } from "../stream/remove-group.ts";
import { parseCommandArgs, seeHelp, UsageError } from "./args.ts";
import type { Services } from "./services.ts";
import { formatTable } from "./table.ts";

export const EXPORTS_USAGE = `usage:
  ichnos exports add NAME --schema internal|dummy|s3|geosubmit [--batch N] [--url URL]
                     [--skip-keys K1,K2] [--skip-sources gnss,fused,fixed,query] [--from-start]
  ichnos exports list [--json]
  ichnos exports rm NAME`;

const write = (text: string) => process.stdout.write(`${text}\n`);

interface NewExport {
  name: string;
  schema: string;
  batch: number;
  url: string | null;
  skipKeys: string | null;
  skipSources: string | null;
}

function parseAdd(argv: string[]): { row: NewExport; fromStart: boolean } {
  const { values, positionals } = parseCommandArgs("exports add", argv, {
    schema: { type: "string" }, batch: { type: "string" }, url: { type: "string" }, "skip-keys": { type: "string" },
    "skip-sources": { type: "string" }, "from-start": { type: "boolean" },
  }, 1);
  const problems: string[] = [];
  const name = positionals[0] ?? "";
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(name)) problems.push("NAME must be 1-40 letters, digits, _ . -");
  const schema = values.schema ?? "";
  if (!(EXPORT_SCHEMAS as readonly string[]).includes(schema)) problems.push(`--schema must be one of ${EXPORT_SCHEMAS.join(", ")}`);
  const batch = values.batch === undefined ? 100 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 0 || batch > 10_000) problems.push("--batch must be a whole number from 0 to 10000 (0 = the default batch)");
  const url = values.url ?? null;
  if (url !== null && url.length > 512) problems.push("--url must be at most 512 characters");
  const skipKeys = values["skip-keys"] === undefined ? null : formatSkipSet(parseSkipSet(values["skip-keys"]));
  if (skipKeys !== null && skipKeys.length > 1024) problems.push("--skip-keys must be at most 1024 characters");
  const sources = values["skip-sources"] === undefined ? null : parseSkipSet(values["skip-sources"]);
  const unknown = [...(sources ?? [])].filter((s) => !(POSITION_SOURCES as readonly string[]).includes(s));
  if (unknown.length > 0) problems.push(`--skip-sources: unknown source ${unknown.join(", ")}; use ${POSITION_SOURCES.join(", ")}`);
  if (problems.length > 0) throw new UsageError(`ichnos exports add: ${problems.join("; ")} ${seeHelp("exports")}`);
  return { row: { name, schema, batch, url, skipKeys, skipSources: formatSkipSet(sources) }, fromStart: values["from-start"] ?? false };
}

export async function exportsCommand(services: Services, argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === "help") {
    write(EXPORTS_USAGE);
    return 0;
  }
  if (!action) throw new UsageError(`ichnos exports: name an action: add, list or rm ${seeHelp("exports")}`);
  const prisma = createPrismaClient(services.config.databaseUrl);
  try {
    switch (action) {
      case "add": {
        const { row, fromStart } = parseAdd(rest);
        if (await prisma.exportConfig.findUnique({ where: { name: row.name } })) {
          process.stderr.write(`ichnos exports add: export "${row.name}" already exists (remove it first with "ichnos exports rm ${row.name}")\n`);
          return 1;
        }
        // Groups first, row last: a worker that re-reads export_config in between must find the
        // group already placed, or it would create it itself at the start of history.
        const consumer = createExportConsumer(toExportConfig({ ...row, skip_keys: row.skipKeys, skip_sources: row.skipSources }), services.consumerDeps);
        const streams = services.keys.resolve(consumer.reads);
        try {
          for (const stream of streams) {
            await ensureGroup({ ...services, log: services.log.child({ group: consumer.name }) }, consumer.name, stream, fromStart ? "0" : "$", undefined, consumerStamp(consumer));
          }
          await prisma.exportConfig.create({ data: row });
        } catch (err) {
          await removeGroup(services, consumer.name, streams).catch(() => undefined);
          throw err;
        }
        write(`export ${row.name} added: group ${consumer.name} starts at ${fromStart ? "the oldest retained report" : "new reports"}; running workers start it within ${services.config.exportsReloadMs / 1000} s`);
        return 0;
      }
      case "list": {
        const { values } = parseCommandArgs("exports list", rest, { json: { type: "boolean" } });
        const rows = await prisma.exportConfig.findMany({ orderBy: { name: "asc" } });
        if (values.json) write(JSON.stringify(rows, null, 2));
        else write(formatTable(["NAME", "SCHEMA", "BATCH", "URL", "SKIP KEYS", "SKIP SOURCES", "GROUP"],
          rows.map((r) => [r.name, r.schema, r.batch, r.url, r.skipKeys, r.skipSources, exportGroupName(r.name)])));
        return 0;
      }
      case "rm": {
        const { positionals } = parseCommandArgs("exports rm", rest, {}, 1);
        const name = positionals[0];
        if (!name) throw new UsageError(`ichnos exports rm: NAME is required ${seeHelp("exports")}`);
        // Names compare case-insensitively in MySQL; the group is named after the stored spelling.
        const found = await prisma.exportConfig.findUnique({ where: { name } });
        if (!found) {
          process.stderr.write(`ichnos exports rm: no export named "${name}" (see "ichnos exports list")\n`);
          return 1;
        }
        await prisma.exportConfig.delete({ where: { name: found.name } });
        await removeGroup(services, exportGroupName(found.name), services.keys.reportStreams());
        write(`export ${found.name} removed with its group ${exportGroupName(found.name)}; running workers stop it within ${services.config.exportsReloadMs / 1000} s`);
        return 0;
      }
      default:
        throw new UsageError(`ichnos exports: unknown action "${action}" ${seeHelp("exports")}`);
    }
  } catch (err) {
    if (!isPrismaError(err)) throw err;
    process.stderr.write(`ichnos exports ${action}: ${explainPrismaError(err, services.config.databaseUrl).message}\n`);
    return 1;
  } finally {
    await prisma.$disconnect();
  }
}
