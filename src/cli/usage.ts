/**
 * What `ichnos --help` and `ichnos <command> --help` print. The commands with several actions keep
 * their usage beside their code (keys, exports, cells, archive) and are loaded only for it.
 */
export const USAGE = `ichnos — geolocation service (Ichnaea API), event-sourced on Redis Streams

usage: ichnos <command> [options]      ichnos <command> --help: that command's usage
       ichnos --version                the package version and commit

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
                                create an API key (no KEY: a random UUID); "ichnos keys --help" lists the flags
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
                                the public cell CSV (.gz: gzip); "ichnos cells --help" for details
  cells import FILE [--no-drain] [--timeout S]
                                load a cell CSV (MLS export, OpenCelliD dump), then recompute areas and region_stat
  cells publish [--at ISO-time]
                                run the scheduled cell export job once (due diffs and full file to ASSET_BUCKET or CELL_EXPORT_DIR)
  help                          this text

Exit codes: 0 done, 1 failed, 2 usage or configuration error.
Configuration comes from environment variables; see README.md.`;

const SIMPLE_USAGE: Readonly<Record<string, string>> = {
  start: `usage: ichnos start
  apply pending migrations, then run the HTTP API, every consumer group and the periodic jobs in
  one process (what npm start runs)`,
  web: `usage: ichnos web
  the HTTP API only (stateless: run as many as needed); listens on HOST:PORT`,
  work: `usage: ichnos work [--group G]... [--no-jobs]
  run the consumer groups (all registered ones, or those named with --group) and the periodic jobs
  under their Redis leases; --no-jobs: the groups' loops only`,
  migrate: `usage: ichnos migrate
  apply pending prisma/migrations/*/migration.sql (creating the database if it is missing), then
  create the tables consumer files declare; several instances wait for each other`,
  groups: `usage: ichnos groups [--json]
  every group and stream: last delivered id, checkpoint, lag, pending, dead letters, lost entries,
  applied count and version; --json: the same as a JSON array on stdout (logs go to stderr)`,
  replay: `usage: ichnos replay G --from <start|ENTRY-ID|ISO-time> [--follow]
       ichnos replay G --from <start|ENTRY-ID|ISO-time> --rebuild [--allow-fewer-rows]
  move group G back (or forward) to --from; its running workers re-apply from there. --follow
  prints done/total, rate and ETA on stderr until the group has caught up, and says when no
  worker is consuming the group. --rebuild re-projects G into shadow tables and swaps them in at
  the end (--allow-fewer-rows: even when they hold fewer rows than the live ones). Both refuse
  (exit 1) when the history they need was trimmed and is not in the reports archive`,
  drain: `usage: ichnos drain [--group G]... [--timeout DURATION] [--processes N]
  run the groups (all, or those named) until each has lag 0 and nothing pending, then exit; exit 1
  when --timeout (default 600s; 500ms, 30s, 15m, 2h) passes first. --processes N (1-64) runs the
  projector groups in N-1 worker processes`,
  trim: `usage: ichnos trim
  run the stream trimmer once now (STREAM_RETENTION, STREAM_MAX_BYTES)`,
  dead: `usage: ichnos dead list G [--json] [--limit N]
       ichnos dead retry G [--id ID]...
       ichnos dead drop G (--id ID... | --all)
  list group G's dead letters with their errors (--limit: at most N, default 1000), re-drive them
  through G's projection (all, or the ids named; exit 1 if any still fail), or delete them`,
  restore: `usage: ichnos restore [--export NAME]
  re-create empty reports streams from an s3 export's archive (default: backup) for a new
  database; then run ichnos drain (or ichnos work) to rebuild every projection`,
  help: USAGE,
};

/** The usage of `command`, or null when there is no such command. */
export async function commandUsage(command: string): Promise<string | null> {
  switch (command) {
    case "keys":
      return (await import("./keys-command.ts")).KEYS_USAGE;
    case "exports":
      return (await import("./exports-command.ts")).EXPORTS_USAGE;
    case "cells":
      return (await import("./cells-command.ts")).CELLS_USAGE;
    case "archive":
      return (await import("./archive-command.ts")).ARCHIVE_USAGE;
    default:
      return Object.hasOwn(SIMPLE_USAGE, command) ? SIMPLE_USAGE[command]! : null;
  }
}

/** `--help` or `-h` among a command's arguments (before a `--` that ends the options). */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === "--help" || a === "-h");
}
