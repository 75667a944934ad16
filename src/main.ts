/**
 * `ichnos <command>`: the only module with side effects at the top of the call chain. It reads
 * config once, builds the logger and the clients the command needs, runs it, and returns the
 * exit code.
 */
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { applyMigrations } from "./db/migrate.ts";
import { ConsumerVersionError } from "./cli/version-gate.ts";
import { createConsumerTables } from "./stream/consumer-tables.ts";
import { createLogger, type Logger } from "./logger.ts";
import { parseCommandArgs, UsageError } from "./cli/args.ts";
import { deadCommand } from "./cli/dead-command.ts";
import { drainCommand, loadRegistryPatiently } from "./cli/drain-command.ts";
import { groupsCommand } from "./cli/groups-command.ts";
import { replayCommand } from "./cli/replay-command.ts";
import { serve } from "./cli/serve-command.ts";
import { createServices, trimmedStreams, type Services } from "./cli/services.ts";
import { ConsumerFileError, loadConsumers } from "./stream/consumer-registry.ts";
import { UnknownStreamError } from "./stream/streams.ts";
import { trimStreams } from "./stream/trimmer.ts";
import { parseDuration } from "./util/units.ts";

export const USAGE = `ichnos — geolocation service (Ichnaea API), event-sourced on Redis Streams

usage: ichnos <command> [options]

  start                         migrate, then web + all workers + scheduler in one process
  web                           HTTP API only
  work [--group G]... [--no-jobs]
                                consumer groups (all, or those named) and periodic jobs (--no-jobs: loops only)
  migrate                       apply pending database migrations
  groups [--json]               every group: stream, last delivered id, checkpoint, lag, pending, dead letters, lost
  replay G --from <start|ID|ISO-time> [--follow] [--rebuild]
                                rewind group G; its workers re-apply from there. --rebuild
                                re-projects into shadow tables and swaps them in at the end
  drain [--group G]... [--timeout S] [--processes N]
                                run groups until each has lag 0 and nothing pending, then exit;
                                --processes N hands the projectors to N-1 worker processes
  trim                          run the stream trimmer once
  dead list G [--json] [--limit N]
  dead retry G [--id ID]...     re-drive dead-lettered entries through G's projection
  dead drop G (--id ID... | --all)
  keys add [KEY] [column flags]
                                create an API key (no KEY: a random UUID); "ichnos keys help" lists the flags
  keys list [--json]
  keys show KEY [--json]        every column, and whether the external fallback is usable
  keys update KEY [column flags]
  keys rm KEY                   (key changes reach running web processes within ~5 min)
  exports add NAME --schema S [--batch N] [--url U] [--skip-keys K,..] [--skip-sources S,..] [--from-start]
                                add an export_config row and its group export:NAME
  exports list [--json]
  exports rm NAME               remove the row and its group
  restore [--export NAME]       re-create empty reports streams from the archive (then drain to rebuild)
  archive list|verify [--export NAME] [--from T] [--to T] [--json]
                                what the reports archive holds per partition; verify: no gaps or overlaps
  cells export FILE [--full | --since T --until T]
                                the public cell CSV (.gz: gzip); "ichnos cells help" for details
  cells import FILE [--no-drain] [--timeout S]
                                load a cell CSV (MLS export, OpenCelliD dump), then recompute areas and region_stat
  cells publish [--at ISO-time]
                                run the scheduled cell export job once (due diffs and full file to ASSET_BUCKET or CELL_EXPORT_DIR)
  help                          this text

Configuration comes from environment variables; see README.md.`;

async function withServices(config: Config, log: Logger, fn: (s: Services) => Promise<number>): Promise<number> {
  const services = createServices(config, log);
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

async function run(command: string, argv: string[], config: Config, log: Logger): Promise<number> {
  switch (command) {
    case "start":
      parseCommandArgs(command, argv, {});
      return withServices(config, log, (s) => serve(s, { migrate: true, web: true, work: true, groups: [] }));
    case "web":
      parseCommandArgs(command, argv, {});
      return withServices(config, log, (s) => serve(s, { migrate: false, web: true, work: false, groups: [] }));
    case "work": {
      const { values } = parseCommandArgs(command, argv, { group: { type: "string", multiple: true }, "no-jobs": { type: "boolean" } });
      return withServices(config, log, (s) => serve(s, {
        migrate: false, web: false, work: true, groups: values.group ?? [], jobs: !(values["no-jobs"] ?? false),
      }));
    }
    case "migrate": {
      parseCommandArgs(command, argv, {});
      const result = await applyMigrations({ databaseUrl: config.databaseUrl, log });
      process.stdout.write(`${result.applied.length} migration(s) applied; latest: ${result.latest ?? "none"}\n`);
      // The tables consumer files declare (README "Writing a consumer") need no migration.
      return withServices(config, log, async (s) => {
        const created = await createConsumerTables(s, await loadConsumers(s.consumerDeps));
        process.stdout.write(`${created.length} consumer table(s) created${created.length > 0 ? `: ${created.join(", ")}` : ""}\n`);
        return 0;
      });
    }
    case "groups": {
      const { values } = parseCommandArgs(command, argv, { json: { type: "boolean" } });
      return withServices(config, log, async (s) => groupsCommand(s, await loadConsumers(s.consumerDeps), values.json ?? false));
    }
    case "replay": {
      const { values, positionals } = parseCommandArgs(command, argv, {
        from: { type: "string" }, follow: { type: "boolean" }, rebuild: { type: "boolean" }, "allow-fewer-rows": { type: "boolean" },
      }, 1);
      return withServices(config, log, async (s) => replayCommand(s, await loadConsumers(s.consumerDeps), positionals[0], values.from, {
        follow: values.follow ?? false, rebuild: values.rebuild ?? false, allowFewerRows: values["allow-fewer-rows"] ?? false,
      }));
    }
    case "drain": {
      const { values } = parseCommandArgs(command, argv, {
        group: { type: "string", multiple: true }, timeout: { type: "string" }, processes: { type: "string" },
      });
      const timeoutMs = values.timeout ? parseDuration(values.timeout) : 600_000;
      const processes = values.processes === undefined ? 1 : Number(values.processes);
      if (!Number.isInteger(processes) || processes < 1 || processes > 64) throw new UsageError("ichnos drain: --processes must be a whole number from 1 to 64");
      return withServices(config, log, async (s) => {
        const started = Date.now();
        const registry = await loadRegistryPatiently(() => loadConsumers(s.consumerDeps), timeoutMs, s.log);
        return drainCommand(s, registry, values.group ?? [], Math.max(1, timeoutMs - (Date.now() - started)), processes);
      });
    }
    case "trim": {
      parseCommandArgs(command, argv, {});
      return withServices(config, log, async (s) => {
        const streams = trimmedStreams(s.keys, (await loadConsumers(s.consumerDeps)).map((c) => c.reads));
        const reports = await trimStreams(s, streams, { retentionMs: config.streamRetentionMs, maxBytes: config.streamMaxBytes });
        for (const r of reports) {
          process.stdout.write(`${s.keys.logicalName(r.stream)}: trimmed ${r.trimmed + r.forced} (below ${r.minId}${r.forced ? `; ${r.forced} forced by STREAM_MAX_BYTES` : ""})\n`);
        }
        return 0;
      });
    }
    case "dead": {
      const { values, positionals } = parseCommandArgs(command, argv, {
        json: { type: "boolean" }, limit: { type: "string" }, id: { type: "string", multiple: true }, all: { type: "boolean" },
      }, 2);
      const limit = values.limit ? Number(values.limit) : 1000;
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError("ichnos dead: --limit must be a positive whole number");
      return withServices(config, log, async (s) => deadCommand(s, await loadConsumers(s.consumerDeps), positionals[0], positionals[1], {
        json: values.json ?? false, limit, ids: values.id ?? [], all: values.all ?? false,
      }));
    }
    case "restore": {
      const { restoreCommand } = await import("./cli/restore-command.ts");
      return withServices(config, log, async (s) => restoreCommand(s, await loadConsumers(s.consumerDeps), argv));
    }
    case "archive": {
      const { archiveCommand } = await import("./cli/archive-command.ts");
      return withServices(config, log, (s) => archiveCommand(s, argv));
    }
    case "exports": {
      const { exportsCommand } = await import("./cli/exports-command.ts");
      return withServices(config, log, (s) => exportsCommand(s, argv));
    }
    case "cells": {
      const { cellsCommand } = await import("./cli/cells-command.ts");
      return withServices(config, log, (s) => cellsCommand(s, argv));
    }
    case "keys": {
      // Loaded on demand: Prisma's client takes ~0.3 s to import, which no other command should pay.
      const { keysCommand } = await import("./cli/keys-command.ts");
      return keysCommand(config, argv);
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`ichnos: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const log = createLogger(config.logLevel).child({ cmd: command });
  try {
    return await run(command, rest, config, log);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    // A consumer file's mistake: the message says what to change; a stack trace would bury it.
    if (err instanceof UnknownStreamError || err instanceof ConsumerFileError || err instanceof ConsumerVersionError) {
      log.fatal({ error: (err as Error).message }, `ichnos ${command} cannot start`);
      process.stderr.write(`ichnos ${command}: ${(err as Error).message}\n`);
      return 1;
    }
    log.fatal({ err }, `ichnos ${command} failed`);
    process.stderr.write(`ichnos ${command}: ${(err as Error).message}\n`);
    return 1;
  }
}
