/**
 * `ichnos <command>`: the only module with side effects at the top of the call chain. It reads
 * config once, builds the logger and the clients the command needs, runs it, and returns the
 * exit code.
 */
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { applyMigrations } from "./db/migrate.ts";
import { ConsumerVersionError } from "./cli/version-gate.ts";
import { createConsumerTables } from "./stream/consumer-tables.ts";
import { createLogger, stderrDestination, type Logger } from "./logger.ts";
import { durationFlag, parseCommandArgs, seeHelp, UsageError } from "./cli/args.ts";
import { asksForHelp, commandUsage, USAGE } from "./cli/usage.ts";
import { printVersion } from "./cli/version-command.ts";
import { deadCommand } from "./cli/dead-command.ts";
import { drainCommand, loadRegistryPatiently } from "./cli/drain-command.ts";
import { groupsCommand } from "./cli/groups-command.ts";
import { parseReplayFrom, replayCommand } from "./cli/replay-command.ts";
import { serve } from "./cli/serve-command.ts";
import { createServices, trimmedStreams, type Services } from "./cli/services.ts";
import { ConsumerFileError, loadConsumers } from "./stream/consumer-registry.ts";
import { UnknownStreamError } from "./stream/streams.ts";
import { trimStreams } from "./stream/trimmer.ts";

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
      if (!positionals[0] || values.from === undefined) {
        throw new UsageError(`ichnos replay: name the group and --from: ichnos replay G --from <start|ENTRY-ID|ISO-time> ${seeHelp("replay")}`);
      }
      parseReplayFrom(values.from);
      return withServices(config, log, async (s) => replayCommand(s, await loadConsumers(s.consumerDeps), positionals[0], values.from, {
        follow: values.follow ?? false, rebuild: values.rebuild ?? false, allowFewerRows: values["allow-fewer-rows"] ?? false,
      }));
    }
    case "drain": {
      const { values } = parseCommandArgs(command, argv, {
        group: { type: "string", multiple: true }, timeout: { type: "string" }, processes: { type: "string" },
      });
      const timeoutMs = durationFlag("drain", "timeout", values.timeout, 600_000);
      const processes = values.processes === undefined ? 1 : Number(values.processes);
      if (!/^\d+$/.test(values.processes ?? "1") || processes < 1 || processes > 64) {
        throw new UsageError(`ichnos drain: --processes must be a whole number from 1 to 64, not "${values.processes}"`);
      }
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
      const limit = values.limit === undefined ? 1000 : Number(values.limit);
      if (!/^\d+$/.test(values.limit ?? "1") || limit < 1) throw new UsageError(`ichnos dead: --limit must be a positive whole number, not "${values.limit}"`);
      if (!positionals[0] || !positionals[1]) throw new UsageError(`ichnos dead: name an action (list, retry or drop) and a group ${seeHelp("dead")}`);
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
      throw new UsageError(`ichnos: unknown command "${command}" (see "ichnos --help")`);
  }
}

/** A usage error as one line on stderr: prefixed with the command, any line breaks folded. */
function usageFailure(command: string, message: string): number {
  const line = message.split("\n").map((l) => l.trim()).filter(Boolean).join("; ");
  process.stderr.write(`${/^ichnos\b/.test(line) ? line : `ichnos ${command}: ${line}`}\n`);
  return 2;
}

/** Commands whose first argument is an action, where `help` is an action too. */
const ACTION_COMMANDS = new Set(["keys", "exports", "cells", "archive", "dead"]);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) return usageFailure("", 'ichnos: name a command (see "ichnos --help")');
  if (command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === "--version" || command === "-V" || command === "version") return printVersion();
  const usage = await commandUsage(command);
  if (usage === null) {
    return usageFailure(command, `ichnos: ${command.startsWith("-") ? `unknown option "${command}"` : `unknown command "${command}"`} (see "ichnos --help")`);
  }
  if (asksForHelp(rest) || (ACTION_COMMANDS.has(command) && rest[0] === "help")) {
    process.stdout.write(`${usage}\n`);
    return 0;
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
  // With --json, stdout carries only the command's JSON: the logs go to stderr.
  const destination = rest.includes("--json") ? stderrDestination() : undefined;
  const log = createLogger(config.logLevel, destination).child({ cmd: command });
  const started = performance.now();
  try {
    const code = await run(command, rest, config, log);
    log.debug({ code, ms: Math.round(performance.now() - started) }, `ichnos ${command} finished`);
    return code;
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(command, err.message);
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
